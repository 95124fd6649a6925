package contract

// Page is one page of a list: every list endpoint answers with it.
type Page[T any] struct {
	// Data is this page's items, never null.
	Data []T `json:"data"`
	// NextCursor is passed back as ?cursor= for the next page; nil on the last page.
	NextCursor *string `json:"next_cursor"`
}
