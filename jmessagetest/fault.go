package jmessagetest

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmessage-go/jmessage"
)

// Fault makes the server misbehave on matching requests: wait before
// answering, and/or answer an error instead of handling the request.
type Fault struct {
	// Method matches the request method; "" matches every method.
	Method string
	// Path matches the request path, such as "/v1/users/alice" (a trailing
	// slash is ignored); "" matches every path.
	Path string
	// Times is how many matching requests the fault affects; 0 means every
	// matching request until ClearFaults or Reset.
	Times int
	// Latency delays the answer (or until the client gives up).
	Latency time.Duration
	// Status, when not 0, is answered instead of handling the request, with
	// the error envelope of Code and Message.
	Status int
	// Code is the JMessage error code of the answer, such as
	// jmessage.ErrServerBusy.
	Code jmessage.ErrorCode
	// Message is the error message of the answer.
	Message string
	// Header is added to the fault's answer (such as rate-limit headers).
	Header http.Header
}

type fault struct {
	Fault
	left int // requests left to affect; -1 for unlimited
}

func (f *fault) matches(r *http.Request) bool {
	if f.left == 0 || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) {
		return false
	}
	return f.Path == "" || strings.TrimSuffix(f.Path, "/") == strings.TrimSuffix(r.URL.Path, "/")
}

// faults are the injected faults. A request checks armed first and takes
// no lock when no fault is armed.
type faults struct {
	armed atomic.Int32
	mu    sync.Mutex
	list  []*fault
}

// InjectFault adds a fault. Every fault matching a request applies to it
// and counts it: their latencies add up, and the first one (in the order
// injected) with a Status answers.
func (s *Server) InjectFault(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = append(s.faults.list, &fault{Fault: f, left: left})
	s.faults.armed.Store(int32(len(s.faults.list)))
}

// FailNext makes the next n requests to method and path (see Fault) answer
// status with the error code and a generic message, for instance
// srv.FailNext(http.MethodPost, "/v1/messages", 1, 503, jmessage.ErrServerBusy).
func (s *Server) FailNext(method, path string, n, status int, code jmessage.ErrorCode) {
	s.InjectFault(Fault{Method: method, Path: path, Times: max(n, 1), Status: status, Code: code,
		Message: "injected failure"})
}

// RateLimitNext makes the next n requests to method and path (see Fault)
// answer 429 with code 2002 (jmessage.ErrRateLimited), the headers
// X-Rate-Limit-Quota (600), X-Rate-Limit-Remaining (0) and
// X-Rate-Limit-Reset, and Retry-After, both in whole seconds of retryAfter
// (rounded up).
func (s *Server) RateLimitNext(method, path string, n int, retryAfter time.Duration) {
	secs := strconv.Itoa(int(math.Ceil(retryAfter.Seconds())))
	h := http.Header{}
	h.Set(headerQuota, "600")
	h.Set(headerRemaining, "0")
	h.Set(headerReset, secs)
	h.Set("Retry-After", secs)
	s.InjectFault(Fault{Method: method, Path: path, Times: max(n, 1), Status: http.StatusTooManyRequests,
		Code: jmessage.ErrRateLimited, Message: "rate limit exceeded", Header: h})
}

// SetLatency delays every answer by d until ClearFaults or Reset.
func (s *Server) SetLatency(d time.Duration) { s.InjectFault(Fault{Latency: d}) }

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
	s.faults.armed.Store(0)
}

// match counts r against the armed faults and returns their total latency
// and the answer of the first one with a Status (nil for none). Spent
// faults are dropped.
func (fs *faults) match(r *http.Request) (time.Duration, *Fault) {
	if fs.armed.Load() == 0 {
		return 0, nil
	}
	var latency time.Duration
	var answer *Fault
	fs.mu.Lock()
	defer fs.mu.Unlock()
	kept := fs.list[:0]
	for _, f := range fs.list {
		if f.matches(r) {
			latency += f.Latency
			if answer == nil && f.Status != 0 {
				answer = &f.Fault
			}
			if f.left > 0 {
				f.left--
			}
		}
		if f.left != 0 {
			kept = append(kept, f)
		}
	}
	clear(fs.list[len(kept):])
	fs.list = kept
	fs.armed.Store(int32(len(kept)))
	return latency, answer
}

// applyFaults applies the faults matching r, and reports whether it
// answered (or the client left during the latency).
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request) bool {
	latency, answer := s.faults.match(r)
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if answer == nil {
		return false
	}
	writeError(w, &apiError{status: answer.Status, code: answer.Code, message: answer.Message, header: answer.Header})
	return true
}
