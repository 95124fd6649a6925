package contract

import "time"

// FeedURLs is the answer of GET /feed and POST /feed/rotate: where a feed reader follows the
// user's notifications without an account. The task URLs hold a {task_id} placeholder. Anyone
// with a URL can read the feed, so rotating makes new ones and stops the old at once.
type FeedURLs struct {
	AtomURL     string    `json:"atom_url"`
	JSONURL     string    `json:"json_url"`
	TaskAtomURL string    `json:"task_atom_url"`
	TaskJSONURL string    `json:"task_json_url"`
	CreatedAt   time.Time `json:"created_at"`
}
