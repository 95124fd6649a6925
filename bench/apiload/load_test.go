package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCountTasks(t *testing.T) {
	item := `{"id":"a","name":"search_query\":\"","search_query":"x \"search_query\":","notifications":[]}`
	page := `{"data":[` + strings.Repeat(item+",", pageSize-1) + item + `],"next_cursor":"c"}` + "\n"
	n, err := countTasks([]byte(page))
	require.NoError(t, err)
	require.Equal(t, pageSize, n)
	require.NoError(t, checkPage([]byte(page)))

	n, err = countTasks([]byte(`{"data":[],"next_cursor":null}`))
	require.NoError(t, err)
	require.Zero(t, n)

	_, err = countTasks([]byte(page[:len(page)/2]))
	require.Error(t, err)
}
