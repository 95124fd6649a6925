package client

import (
	"context"
	"net/url"

	"github.com/torale-ai/torale/shared/contract"
)

// ListTemplates returns the built-in gallery, then the caller's own templates.
func (c *Client) ListTemplates(ctx context.Context) (contract.Page[contract.Template], error) {
	var out contract.Page[contract.Template]
	return out, c.do(ctx, "GET", "/api/v1/templates", nil, nil, &out)
}

// CreateTemplate saves a template of the caller's, from fields or from one of their tasks.
func (c *Client) CreateTemplate(ctx context.Context, in contract.TemplateInput) (contract.Template, error) {
	var out contract.Template
	return out, c.do(ctx, "POST", "/api/v1/templates", nil, in, &out)
}

// DeleteTemplate deletes one of the caller's templates.
func (c *Client) DeleteTemplate(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/api/v1/templates/"+url.PathEscape(id), nil, nil, nil)
}

// PublicTask reads a public watch; it needs no credentials.
func (c *Client) PublicTask(ctx context.Context, slug string) (contract.PublicTaskView, error) {
	var out contract.PublicTaskView
	return out, c.do(ctx, "GET", "/api/v1/public/tasks/"+url.PathEscape(slug), nil, nil, &out)
}

// ListPublicTasks lists public watches matching query ("" for all), most recently published first.
func (c *Client) ListPublicTasks(ctx context.Context, query string, p PageOptions) (contract.Page[contract.PublicTask], error) {
	v := p.values()
	if query != "" {
		v.Set("q", query)
	}
	var out contract.Page[contract.PublicTask]
	return out, c.do(ctx, "GET", "/api/v1/public/tasks", v, nil, &out)
}

// ForkPublicTask copies a public watch into a new paused task of the caller's.
func (c *Client) ForkPublicTask(ctx context.Context, slug string) (contract.TaskView, error) {
	var out contract.TaskView
	return out, c.do(ctx, "POST", "/api/v1/public/tasks/"+url.PathEscape(slug)+"/fork", nil, nil, &out)
}
