package task

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to State
		allowed  bool
	}{
		{StateActive, StateActive, true},
		{StateActive, StatePaused, true},
		{StateActive, StateCompleted, true},
		{StatePaused, StateActive, true},
		{StatePaused, StatePaused, true},
		{StatePaused, StateCompleted, true},
		{StateCompleted, StateActive, true},
		{StateCompleted, StatePaused, false},
		{StateCompleted, StateCompleted, true},
		{"", StateActive, false},
		{StateActive, "deleted", false},
		{"deleted", "deleted", false},
	}
	for _, tc := range tests {
		t.Run(string(tc.from)+"->"+string(tc.to), func(t *testing.T) {
			t.Parallel()
			err := Transition(tc.from, tc.to)
			require.Equal(t, tc.allowed, CanTransition(tc.from, tc.to))
			if tc.allowed {
				require.NoError(t, err)
				return
			}
			var te *TransitionError
			require.ErrorAs(t, err, &te)
			require.Equal(t, &TransitionError{From: tc.from, To: tc.to}, te)
		})
	}
}

func TestTransitionErrorNamesBothStates(t *testing.T) {
	t.Parallel()
	err := Transition(StateCompleted, StatePaused)
	require.EqualError(t, err, `cannot change a task from "completed" to "paused"`)
}

func TestStateValid(t *testing.T) {
	t.Parallel()
	for _, s := range []State{StateActive, StatePaused, StateCompleted} {
		require.True(t, s.Valid(), s)
	}
	for _, s := range []State{"", "Active", "deleted"} {
		require.False(t, s.Valid(), s)
	}
}
