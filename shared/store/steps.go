package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store/internal/db"
	"github.com/torale-ai/torale/shared/store/internal/doc"
	"github.com/torale-ai/torale/shared/task"
)

// writeTrail records an attempt's steps and findings with its outcome, in the outcome's
// transaction: a run's trail is never half written, and a superseded attempt writes none.
func writeTrail(ctx context.Context, q *db.Queries, o Outcome) error {
	if len(o.Steps) == 0 && len(o.Findings) == 0 {
		return nil
	}
	steps := make([]task.Step, len(o.Steps))
	for i, s := range o.Steps {
		s.Attempt = o.Attempt
		steps[i] = s
	}
	stepsJSON, err := json.Marshal(doc.FromSteps(steps))
	if err != nil {
		return fmt.Errorf("encoding steps: %w", err)
	}
	order, bodies, err := findingRows(o.Findings)
	if err != nil {
		return err
	}
	if err := q.AppendSteps(ctx, db.AppendStepsParams{ExecutionID: o.ExecutionID, Steps: stepsJSON, FindingHashes: order}); err != nil {
		return translate(err)
	}
	if len(bodies) == 0 {
		return nil
	}
	// Hashes go in sorted and once each: two runs keeping the same findings lock them in the
	// same order, and one statement may not touch a row twice.
	hashes := make([][]byte, 0, len(bodies))
	for h := range bodies {
		hashes = append(hashes, []byte(h))
	}
	sort.Slice(hashes, func(i, j int) bool { return bytes.Compare(hashes[i], hashes[j]) < 0 })
	texts := make([]string, len(hashes))
	for i, h := range hashes {
		texts[i] = bodies[string(h)]
	}
	return translate(q.KeepFindings(ctx, db.KeepFindingsParams{Hashes: hashes, Bodies: texts, Now: o.Now}))
}

// findingRows returns the hashes of fs in order, and each distinct body by its hash.
func findingRows(fs []task.Finding) ([][]byte, map[string]string, error) {
	order := make([][]byte, 0, len(fs))
	bodies := make(map[string]string, len(fs))
	for _, f := range fs {
		b, err := json.Marshal(doc.Finding(f))
		if err != nil {
			return nil, nil, fmt.Errorf("encoding a finding: %w", err)
		}
		sum := sha256.Sum256(b)
		order = append(order, sum[:])
		bodies[string(sum[:])] = string(b)
	}
	return order, bodies, nil
}

// ExecutionSteps returns the steps of the user's run id, in order, every attempt's; none for a
// run that recorded none (one still pending, or from before runs kept a trail).
func (s *Store) ExecutionSteps(ctx context.Context, userID, id uuid.UUID) ([]task.Step, error) {
	raw, err := s.q.ExecutionSteps(ctx, db.ExecutionStepsParams{ExecutionID: id, UserID: userID})
	if errors.Is(translate(err), ErrNotFound) {
		return []task.Step{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading a run's steps: %w", translate(err))
	}
	var steps []doc.Step
	if err := json.Unmarshal(raw, &steps); err != nil {
		return nil, fmt.Errorf("decoding a run's steps: %w", err)
	}
	return doc.TaskSteps(steps), nil
}

// ExecutionFindings returns what the decision of the user's run id saw, in order, leaving out
// findings that expired since.
func (s *Store) ExecutionFindings(ctx context.Context, userID, id uuid.UUID) ([]task.Finding, error) {
	rows, err := s.q.ExecutionFindings(ctx, db.ExecutionFindingsParams{ExecutionID: id, UserID: userID})
	if err != nil {
		return nil, fmt.Errorf("reading a run's findings: %w", translate(err))
	}
	out := make([]task.Finding, 0, len(rows))
	for _, r := range rows {
		var f doc.Finding
		if err := json.Unmarshal([]byte(r), &f); err != nil {
			return nil, fmt.Errorf("decoding a finding: %w", err)
		}
		out = append(out, task.Finding(f))
	}
	return out, nil
}

// DeleteExpiredFindings deletes findings no run has seen since before, batch rows per
// statement, until a batch comes back short or maxBatches statements ran (as
// DeleteExpiredRuns). It returns how many it deleted.
func (s *Store) DeleteExpiredFindings(ctx context.Context, before time.Time, batch, maxBatches int) (int, error) {
	if batch <= 0 {
		batch = RetentionBatch
	}
	return inBatches(maxBatches, batch, func() (int64, error) {
		n, err := s.q.DeleteExpiredFindings(ctx, db.DeleteExpiredFindingsParams{Before: before, MaxRows: batch})
		if err != nil {
			return n, fmt.Errorf("deleting expired findings: %w", translate(err))
		}
		return n, nil
	})
}
