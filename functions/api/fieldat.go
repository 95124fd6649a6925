package api

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// level is one object or array fieldAt is inside: the member key or the element index that is
// being read.
type level struct {
	object  bool
	wantKey bool // an object's next string token is a key
	key     string
	index   int
}

// fieldAt names the JSON path (such as notifications[0].address) of the string in body that
// holds byte at, so a 422 for text that is not Unicode can point at the field; "" when body is
// not well-formed enough to tell. encoding/json's tokenizer reads such strings without
// complaint (it substitutes U+FFFD), which is what makes the walk possible.
func fieldAt(body []byte, at int) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []level
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var top *level
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			valueDone(stack)
			continue
		}
		if s, ok := tok.(string); ok && top != nil && top.wantKey {
			top.key, top.wantKey = s, false
			if int(dec.InputOffset()) > at {
				return pathOf(stack)
			}
			continue
		}
		if top != nil && !top.object {
			top.index++
		}
		if int(dec.InputOffset()) > at {
			return pathOf(stack)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, level{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, level{index: -1})
		default:
			valueDone(stack)
		}
	}
}

// valueDone notes that the innermost object's member value has been read.
func valueDone(stack []level) {
	if n := len(stack); n > 0 && stack[n-1].object {
		stack[n-1].wantKey = true
	}
}

func pathOf(stack []level) string {
	path := ""
	for _, l := range stack {
		if l.object {
			path = join(path, l.key)
		} else {
			path = orBody(path) + "[" + strconv.Itoa(l.index) + "]"
		}
	}
	return path
}
