// Package schedulertest is an in-process Cloud Scheduler: a gRPC server implementing
// schedulerpb.CloudSchedulerServer that keeps jobs in memory, records every call, and fails
// calls on demand. Tests reach it through the real client, so requests are encoded, sent and
// decoded as in production.
package schedulertest

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	scheduler "cloud.google.com/go/scheduler/apiv1"
	"cloud.google.com/go/scheduler/apiv1/schedulerpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/torale-ai/torale/shared/task"
)

// Server is the fake. Its zero value is not usable; call Start.
type Server struct {
	schedulerpb.UnimplementedCloudSchedulerServer

	mu    sync.Mutex
	jobs  map[string]*schedulerpb.Job
	calls []string
	fail  map[string][]error // method → errors to return, one per call
	now   func() time.Time
	// guard, when set, is checked before every call; what it refuses is kept in violations.
	guard      func(ctx context.Context) error
	violations []string
}

// Start serves a fake on a loopback port and returns it with a real client connected to it;
// both stop when the test ends.
func Start(t testing.TB) (*Server, *scheduler.CloudSchedulerClient) {
	t.Helper()
	s := &Server{jobs: map[string]*schedulerpb.Job{}, fail: map[string][]error{}, now: time.Now}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	schedulerpb.RegisterCloudSchedulerServer(gs, s)
	go func() { _ = gs.Serve(lis) }()
	c, err := scheduler.NewCloudSchedulerClient(context.Background(),
		option.WithEndpoint(lis.Addr().String()), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Close()
		gs.Stop()
		for _, v := range s.TakeViolations() {
			t.Errorf("Cloud Scheduler fake: %s", v)
		}
	})
	return s, c
}

// SetGuard makes every call first run check, such as storetest.TxGuard's Check, which refuses
// while a database transaction is open: a call it refuses fails with FailedPrecondition and
// fails the test when it ends, so a network call inside a transaction cannot come back
// unnoticed.
func (s *Server) SetGuard(check func(ctx context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guard = check
}

// TakeViolations returns what the guard refused so far and forgets it, for a test of the guard
// itself.
func (s *Server) TakeViolations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.violations
	s.violations = nil
	return v
}

// checkGuard runs the guard, outside the lock (it may watch the database for a while).
func (s *Server) checkGuard(ctx context.Context, call string) error {
	s.mu.Lock()
	guard := s.guard
	s.mu.Unlock()
	if guard == nil {
		return nil
	}
	err := guard(ctx)
	if err == nil {
		return nil
	}
	s.mu.Lock()
	s.violations = append(s.violations, call+": "+err.Error())
	s.mu.Unlock()
	return status.Error(codes.FailedPrecondition, call+": "+err.Error())
}

// SetClock replaces the clock that stamps jobs' update times.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// FailNext makes the next call of method (such as "CreateJob") return err.
func (s *Server) FailNext(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = append(s.fail[method], err)
}

// Quota is the error Cloud Scheduler returns when a quota is used up.
func Quota() error {
	return status.Error(codes.ResourceExhausted, "Quota exceeded for quota metric 'Job write requests' and limit 'per minute'")
}

// Calls returns the write calls made so far, as "Method job-id", oldest first. Reads (GetJob,
// ListJobs) are left out: the scarce quota is writes.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if !strings.HasPrefix(c, "GetJob") && !strings.HasPrefix(c, "ListJobs") {
			out = append(out, c)
		}
	}
	return out
}

// AllCalls returns every call, reads included.
func (s *Server) AllCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// ResetCalls forgets the calls made so far.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Job returns a copy of the named job, or nil.
func (s *Server) Job(name string) *schedulerpb.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, ok := s.jobs[name]; ok {
		return proto.Clone(j).(*schedulerpb.Job)
	}
	return nil
}

// Jobs returns copies of every job, sorted by name.
func (s *Server) Jobs() []*schedulerpb.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sorted("")
}

// Put stores job as is, behind the client's back: drift for reconcile to find.
func (s *Server) Put(job *schedulerpb.Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[job.GetName()] = proto.Clone(job).(*schedulerpb.Job)
}

// Drop deletes a job behind the client's back.
func (s *Server) Drop(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.jobs, name)
}

func (s *Server) sorted(parent string) []*schedulerpb.Job {
	var out []*schedulerpb.Job
	for name, j := range s.jobs {
		if parent == "" || strings.HasPrefix(name, parent+"/jobs/") {
			out = append(out, proto.Clone(j).(*schedulerpb.Job))
		}
	}
	slices.SortFunc(out, func(a, b *schedulerpb.Job) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out
}

// begin checks the guard, records a call and returns the error injected for it, if any. It
// holds the lock until the returned func is called.
func (s *Server) begin(ctx context.Context, method, name string) (func(), error) {
	if err := s.checkGuard(ctx, method+" "+name); err != nil {
		return func() {}, err
	}
	s.mu.Lock()
	s.calls = append(s.calls, method+" "+name[strings.LastIndex(name, "/")+1:])
	if q := s.fail[method]; len(q) > 0 {
		s.fail[method] = q[1:]
		return s.mu.Unlock, q[0]
	}
	return s.mu.Unlock, nil
}

func (s *Server) notFound(name string) error {
	return status.Errorf(codes.NotFound, "Job not found: %s", name)
}

// validate checks what Cloud Scheduler checks of a job we write: a 5-field unix-cron schedule
// (no @-shorthands), a known time zone, and a Pub/Sub target.
func validate(j *schedulerpb.Job) error {
	if strings.HasPrefix(j.GetSchedule(), "@") || len(strings.Fields(j.GetSchedule())) != 5 {
		return status.Errorf(codes.InvalidArgument, "Schedule has more than 5 fields or is not unix-cron: %q", j.GetSchedule())
	}
	if _, err := task.ParseCron(j.GetSchedule(), j.GetTimeZone()); err != nil {
		return status.Errorf(codes.InvalidArgument, "invalid schedule or time zone: %v", err)
	}
	if j.GetPubsubTarget().GetTopicName() == "" {
		return status.Error(codes.InvalidArgument, "a Pub/Sub target is required")
	}
	return nil
}

// GetJob implements schedulerpb.CloudSchedulerServer.
func (s *Server) GetJob(ctx context.Context, r *schedulerpb.GetJobRequest) (*schedulerpb.Job, error) {
	done, err := s.begin(ctx, "GetJob", r.GetName())
	defer done()
	if err != nil {
		return nil, err
	}
	j, ok := s.jobs[r.GetName()]
	if !ok {
		return nil, s.notFound(r.GetName())
	}
	return proto.Clone(j).(*schedulerpb.Job), nil
}

// ListJobs implements schedulerpb.CloudSchedulerServer, a page at a time.
func (s *Server) ListJobs(ctx context.Context, r *schedulerpb.ListJobsRequest) (*schedulerpb.ListJobsResponse, error) {
	done, err := s.begin(ctx, "ListJobs", r.GetParent())
	defer done()
	if err != nil {
		return nil, err
	}
	all := s.sorted(r.GetParent())
	size := int(r.GetPageSize())
	if size <= 0 || size > 500 {
		size = 500
	}
	start := 0
	if r.GetPageToken() != "" {
		if start, err = strconv.Atoi(r.GetPageToken()); err != nil {
			return nil, status.Error(codes.InvalidArgument, "bad page token")
		}
	}
	end := min(start+size, len(all))
	res := &schedulerpb.ListJobsResponse{Jobs: all[start:end]}
	if end < len(all) {
		res.NextPageToken = strconv.Itoa(end)
	}
	return res, nil
}

// CreateJob implements schedulerpb.CloudSchedulerServer.
func (s *Server) CreateJob(ctx context.Context, r *schedulerpb.CreateJobRequest) (*schedulerpb.Job, error) {
	done, err := s.begin(ctx, "CreateJob", r.GetJob().GetName())
	defer done()
	if err != nil {
		return nil, err
	}
	j := proto.Clone(r.GetJob()).(*schedulerpb.Job)
	if !strings.HasPrefix(j.GetName(), r.GetParent()+"/jobs/") {
		return nil, status.Errorf(codes.InvalidArgument, "job %s is not under %s", j.GetName(), r.GetParent())
	}
	if err := validate(j); err != nil {
		return nil, err
	}
	if _, ok := s.jobs[j.GetName()]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "Job %s already exists", j.GetName())
	}
	j.State = schedulerpb.Job_ENABLED
	j.UserUpdateTime = timestamppb.New(s.now())
	s.jobs[j.GetName()] = j
	return proto.Clone(j).(*schedulerpb.Job), nil
}

// UpdateJob implements schedulerpb.CloudSchedulerServer for the fields in the mask.
func (s *Server) UpdateJob(ctx context.Context, r *schedulerpb.UpdateJobRequest) (*schedulerpb.Job, error) {
	done, err := s.begin(ctx, "UpdateJob", r.GetJob().GetName())
	defer done()
	if err != nil {
		return nil, err
	}
	j, ok := s.jobs[r.GetJob().GetName()]
	if !ok {
		return nil, s.notFound(r.GetJob().GetName())
	}
	next := proto.Clone(j).(*schedulerpb.Job)
	for _, p := range r.GetUpdateMask().GetPaths() {
		switch p {
		case "description":
			next.Description = r.GetJob().GetDescription()
		case "schedule":
			next.Schedule = r.GetJob().GetSchedule()
		case "time_zone":
			next.TimeZone = r.GetJob().GetTimeZone()
		case "pubsub_target":
			next.Target = r.GetJob().GetTarget()
		default:
			return nil, status.Errorf(codes.InvalidArgument, "cannot update %q", p)
		}
	}
	if err := validate(next); err != nil {
		return nil, err
	}
	if next.State != schedulerpb.Job_PAUSED {
		next.State = schedulerpb.Job_ENABLED // an update re-enables a disabled or failed job
	}
	next.UserUpdateTime = timestamppb.New(s.now())
	s.jobs[next.GetName()] = next
	return proto.Clone(next).(*schedulerpb.Job), nil
}

// DeleteJob implements schedulerpb.CloudSchedulerServer.
func (s *Server) DeleteJob(ctx context.Context, r *schedulerpb.DeleteJobRequest) (*emptypb.Empty, error) {
	done, err := s.begin(ctx, "DeleteJob", r.GetName())
	defer done()
	if err != nil {
		return nil, err
	}
	if _, ok := s.jobs[r.GetName()]; !ok {
		return nil, s.notFound(r.GetName())
	}
	delete(s.jobs, r.GetName())
	return &emptypb.Empty{}, nil
}

// PauseJob implements schedulerpb.CloudSchedulerServer.
func (s *Server) PauseJob(ctx context.Context, r *schedulerpb.PauseJobRequest) (*schedulerpb.Job, error) {
	return s.setState(ctx, "PauseJob", r.GetName(), schedulerpb.Job_PAUSED)
}

// ResumeJob implements schedulerpb.CloudSchedulerServer.
func (s *Server) ResumeJob(ctx context.Context, r *schedulerpb.ResumeJobRequest) (*schedulerpb.Job, error) {
	return s.setState(ctx, "ResumeJob", r.GetName(), schedulerpb.Job_ENABLED)
}

func (s *Server) setState(ctx context.Context, method, name string, st schedulerpb.Job_State) (*schedulerpb.Job, error) {
	done, err := s.begin(ctx, method, name)
	defer done()
	if err != nil {
		return nil, err
	}
	j, ok := s.jobs[name]
	if !ok {
		return nil, s.notFound(name)
	}
	if method == "ResumeJob" && j.State != schedulerpb.Job_PAUSED {
		return nil, status.Errorf(codes.FailedPrecondition, "Job %s is %s, not paused", name, j.State)
	}
	j.State = st
	j.UserUpdateTime = timestamppb.New(s.now())
	return proto.Clone(j).(*schedulerpb.Job), nil
}

// String describes a job for failure messages.
func String(j *schedulerpb.Job) string {
	if j == nil {
		return "<none>"
	}
	return fmt.Sprintf("%s %q %s %s", j.GetName()[strings.LastIndex(j.GetName(), "/")+1:], j.GetSchedule(), j.GetTimeZone(), j.GetState())
}
