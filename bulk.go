package jmessage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/jmessage-go/jmessage/internal/rules"
)

// DefaultBulkConcurrency is how many calls a bulk operation runs at once
// when BulkOptions.Concurrency is zero.
const DefaultBulkConcurrency = 4

// ErrNotAttempted is matched by the result of every item a bulk operation
// never sent because its context ended first. The item's error wraps the
// context's error too, so errors.Is(r.Err, context.Canceled) also holds.
// Such an item was certainly not applied; running the operation again for
// it is safe.
var ErrNotAttempted = errors.New("jmessage: not attempted")

// BulkOptions tunes a bulk operation (Users.RegisterBulk, Users.DeleteBulk…).
// The zero value is ready to use.
type BulkOptions struct {
	// Concurrency is the most calls in flight at once. Zero means
	// DefaultBulkConcurrency; 1 runs the calls one after another. Each call
	// still goes through the client's retry policy.
	Concurrency int
	// ChunkSize is the most items sent per call. Zero means the API's cap
	// (500 users per register call, 100 per batch delete…); a larger value
	// is refused.
	ChunkSize int
	// Progress, when set, is called after each call (chunk) finishes, with
	// done the number of items whose result is final so far (items refused
	// by validation count from the first call) and total the number of
	// items given. The last call has done == total unless the context
	// ended first.
	//
	// Progress runs on the goroutine that called the bulk method, never
	// concurrently with itself, so it needs no locking. No further chunk is
	// started while it runs: it should return quickly.
	Progress func(done, total int)
}

// resolve returns the chunk size and concurrency to use.
func (o BulkOptions) resolve(maxChunk int) (size, workers int, err error) {
	size, workers = o.ChunkSize, o.Concurrency
	if size == 0 {
		size = maxChunk
	}
	if workers == 0 {
		workers = DefaultBulkConcurrency
	}
	switch {
	case size < 1 || size > maxChunk:
		return 0, 0, invalid("opts.ChunkSize", "must be 0–%d", maxChunk)
	case workers < 1:
		return 0, 0, invalid("opts.Concurrency", "must not be negative")
	}
	return size, workers, nil
}

// BulkResult is the outcome of one input item of a bulk operation.
type BulkResult struct {
	// Index is the item's position in the input slice.
	Index int
	// Item names the item: the username, or the word.
	Item string
	// Err is nil when the item succeeded. Otherwise it is one of:
	//   - a *ValidationError: the item was refused locally and never sent
	//     (Field names it by its input index, as "users[42].password");
	//   - the item's own *APIError, when the API answers per item
	//     (register: errors.Is(Err, ErrUserExists) for 899001);
	//   - the error of the call that carried the item (an *APIError such as
	//     a 503, or a *TransportError): every item of that call shares it.
	//     When the context ended while the call was in flight it matches
	//     context.Canceled or DeadlineExceeded, and the item may or may not
	//     have been applied;
	//   - an error matching ErrNotAttempted: the context ended before the
	//     item's call was started, so it was never sent.
	Err error
}

// BulkError is the error of a bulk operation in which some items did not
// succeed. Every item's own outcome is in the results the operation
// returned alongside it; BulkError counts them. errors.Is and errors.As see
// through it to the items' errors, so errors.Is(err, ErrUserExists) reports
// whether any item failed that way and errors.Is(err, context.Canceled)
// whether the operation was cut short.
type BulkError struct {
	// Op names the operation, such as "POST /v1/users/".
	Op string
	// Total is the number of items given.
	Total int
	// Invalid counts items refused by validation, never sent.
	Invalid int
	// Failed counts items sent that did not succeed: their own error or
	// their call's.
	Failed int
	// NotAttempted counts items never sent because the context ended.
	NotAttempted int

	errs []error // distinct errors: each call's error once, each item's own
}

// Succeeded is the number of items that succeeded.
func (e *BulkError) Succeeded() int { return e.Total - e.Invalid - e.Failed - e.NotAttempted }

// Error summarizes the counts and names the first error.
func (e *BulkError) Error() string {
	msg := fmt.Sprintf("jmessage: bulk %s: %d of %d items did not succeed (%d failed, %d invalid, %d not attempted)",
		e.Op, e.Total-e.Succeeded(), e.Total, e.Failed, e.Invalid, e.NotAttempted)
	if len(e.errs) > 0 {
		msg += "; first error: " + e.errs[0].Error()
	}
	return msg
}

// Unwrap returns the distinct errors of the items that did not succeed.
func (e *BulkError) Unwrap() []error { return e.errs }

// bulkOp describes one bulk operation: everything that differs between them.
type bulkOp[T any] struct {
	op       string // names the operation in a BulkError: "POST /v1/users/"
	invalid  error  // the validation error of the whole operation's arguments (a gid…), if any
	field    string // the items' argument name in validation errors: "users"
	maxChunk int    // the API's cap of items per call
	key      func(T) string
	validate func(field string, item T) error // nil: items need no checks
	// send makes one call carrying chunk. It returns either the call's
	// error, or one error (nil for success) per item of chunk, or nil
	// errors when the call succeeded as a whole.
	send func(ctx context.Context, chunk []T) (itemErrs []error, err error)
}

// chunkDone is what a worker reports about one chunk.
type chunkDone struct {
	idx      []int // input indices of the chunk's items
	callErr  error // the call's error (or the not-attempted error), nil otherwise
	itemErrs []error
}

// runBulk is the one bulk engine: it validates every item, sends the valid
// ones in chunks of at most the operation's cap with bounded concurrency,
// and returns one result per item, in input order. The error is nil when
// every item succeeded, a *BulkError when some did not, and a
// *ValidationError (with nil results) when ctx, opts or op.invalid say the
// operation as a whole cannot run.
func runBulk[T any](ctx context.Context, op bulkOp[T], items []T, opts BulkOptions) ([]BulkResult, error) {
	if ctx == nil {
		return nil, invalid("ctx", "must not be nil")
	}
	if op.invalid != nil {
		return nil, op.invalid
	}
	size, workers, err := opts.resolve(op.maxChunk)
	if err != nil {
		return nil, err
	}

	results := make([]BulkResult, len(items))
	bulkErr := &BulkError{Op: op.op, Total: len(items)}
	var chunks [][]int
	var cur []int
	for i, it := range items {
		results[i] = BulkResult{Index: i, Item: op.key(it)}
		if op.validate != nil {
			// Name the field by its index only once it is known to be bad:
			// formatting it for every valid item costs more than checking.
			if err := op.validate(op.field, it); err != nil {
				err = op.validate(indexed(op.field, i), it)
				results[i].Err = err
				bulkErr.Invalid++
				bulkErr.errs = append(bulkErr.errs, err)
				continue
			}
		}
		cur = append(cur, i)
		if len(cur) == size {
			chunks, cur = append(chunks, cur), nil
		}
	}
	if len(cur) > 0 {
		chunks = append(chunks, cur)
	}

	run := func(idx []int) chunkDone {
		if err := ctx.Err(); err != nil {
			return chunkDone{idx: idx, callErr: fmt.Errorf("%w: %w", ErrNotAttempted, err)}
		}
		var batch []T
		if last := idx[len(idx)-1]; last-idx[0] == len(idx)-1 {
			batch = items[idx[0] : last+1 : last+1] // contiguous: no copy (send never writes to it)
		} else {
			batch = make([]T, len(idx))
			for j, i := range idx {
				batch[j] = items[i]
			}
		}
		itemErrs, err := op.send(ctx, batch)
		return chunkDone{idx: idx, callErr: err, itemErrs: itemErrs}
	}
	// record stores a chunk's outcome; only the calling goroutine runs it.
	record := func(d chunkDone) {
		switch {
		case errors.Is(d.callErr, ErrNotAttempted):
			bulkErr.NotAttempted += len(d.idx)
		case d.callErr != nil:
			bulkErr.Failed += len(d.idx)
		}
		if d.callErr != nil {
			bulkErr.errs = append(bulkErr.errs, d.callErr)
		}
		for j, i := range d.idx {
			switch {
			case d.callErr != nil:
				results[i].Err = d.callErr
			case d.itemErrs != nil && d.itemErrs[j] != nil:
				results[i].Err = d.itemErrs[j]
				bulkErr.Failed++
				bulkErr.errs = append(bulkErr.errs, d.itemErrs[j])
			}
		}
	}

	jobs := make(chan []int) // unbuffered: a chunk is handed over only to an idle worker
	finished := make(chan chunkDone, len(chunks))
	var wg sync.WaitGroup
	for range min(workers, len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idx := range jobs {
				finished <- run(idx)
			}
		}()
	}
	// Also on a panic in Progress: let the workers finish and exit.
	defer wg.Wait()
	defer close(jobs)

	settled := bulkErr.Invalid
	for next, inFlight := 0, 0; next < len(chunks) || inFlight > 0; {
		var feed chan<- []int // nil (never ready) when nothing is left to start
		var nextChunk []int
		var ctxDone <-chan struct{}
		if next < len(chunks) {
			if err := ctx.Err(); err != nil {
				notAttempted := fmt.Errorf("%w: %w", ErrNotAttempted, err)
				for _, idx := range chunks[next:] {
					record(chunkDone{idx: idx, callErr: notAttempted})
				}
				next = len(chunks)
				continue
			}
			feed, nextChunk, ctxDone = jobs, chunks[next], ctx.Done()
		}
		select {
		case feed <- nextChunk:
			next++
			inFlight++
		case d := <-finished:
			inFlight--
			record(d)
			settled += len(d.idx)
			if opts.Progress != nil {
				opts.Progress(settled, len(items))
			}
		case <-ctxDone: // handled at the top of the loop
		}
	}

	if bulkErr.Succeeded() == len(items) {
		return results, nil
	}
	return results, bulkErr
}

// missingResult is the error of an item that a per-item answer leaves out.
func missingResult(method, path string, resp *Response) error {
	return &APIError{Method: method, Path: path, HTTPStatus: statusOf(resp), Response: resp,
		Message: "the answer holds no result for this item", Err: ErrMalformedResponse}
}

// RegisterBulk registers any number of users: it sends them in calls of at
// most MaxRegisterBatch (500, or opts.ChunkSize), opts.Concurrency calls at
// a time, and returns one result per user, in input order (Item is the
// username). A user refused by validation is reported in its result and the
// others are still sent. A user that could not be registered has the
// server's error for it (errors.Is(r.Err, ErrUserExists) for 899001, so an
// import can be re-run and treat existing users as done); a call that
// failed as a whole (a 5xx, a network error) gives its error to each of its
// users. Cancelling ctx stops starting new calls at once: users never sent
// match ErrNotAttempted.
//
// The error is nil when every user was registered, else a *BulkError
// counting the outcomes; results are returned in both cases. Only an
// invalid ctx or opts returns nil results. Register calls are POSTs and
// follow the client's retry policy for POST.
//
// POST /v1/users/ (once per chunk)
func (s *UsersService) RegisterBulk(ctx context.Context, users []NewUser, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, bulkOp[NewUser]{
		op: "POST /v1/users/", field: "users", maxChunk: MaxRegisterBatch,
		key:      func(u NewUser) string { return u.Username },
		validate: func(field string, u NewUser) error { return u.validate(field) },
		send: func(ctx context.Context, chunk []NewUser) ([]error, error) {
			res, resp, err := s.register(ctx, chunk, nil) // validated once, by runBulk
			if err != nil {
				return nil, err
			}
			return matchRegisterResults(chunk, res, missingResult(http.MethodPost, "/v1/users/", resp)), nil
		},
	}, users, opts)
}

// matchRegisterResults gives each user of chunk its result's error: by
// position when the answer lists the users in order, else by username (each
// result used once). A user the answer leaves out gets missing.
func matchRegisterResults(chunk []NewUser, res []RegisterResult, missing error) []error {
	errs := make([]error, len(chunk))
	inOrder := len(res) == len(chunk)
	for j := 0; inOrder && j < len(chunk); j++ {
		inOrder = res[j].Username == chunk[j].Username
	}
	if inOrder {
		for j := range res {
			errs[j] = res[j].Err
		}
		return errs
	}
	byName := make(map[string][]int, len(res))
	for k, r := range res {
		byName[r.Username] = append(byName[r.Username], k)
	}
	for j, u := range chunk {
		q := byName[u.Username]
		if len(q) == 0 {
			errs[j] = missing
			continue
		}
		errs[j], byName[u.Username] = res[q[0]].Err, q[1:]
	}
	return errs
}

// The bulk methods below repeat a call whose API answers for the call as a
// whole: each item of a failed call carries that call's error. Each returns
// one BulkResult per item in input order, and an error that is nil only when
// every item succeeded (else a *BulkError). Only invalid arguments of the
// whole operation (ctx, opts, a group or room id, a username) return nil
// results and a *ValidationError.

// DeleteBulk deletes any number of users, in DeleteBatch calls of at most
// MaxDeleteBatch (100) usernames. Invalid usernames are reported in their
// results and never sent.
//
// DELETE /v1/users/ (once per chunk)
func (s *UsersService) DeleteBulk(ctx context.Context, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, callOp{method: http.MethodDelete, path: "/v1/users/", field: "usernames",
		maxChunk: MaxDeleteBatch, validate: validateUsername, send: s.DeleteBatch}.bulk(), usernames, opts)
}

// sensitiveAddChunk is the most words AddBulk sends per call: the API states
// no cap per call, and 100 is the default quota of words per app.
const sensitiveAddChunk = rules.SensitiveWordQuota

// AddBulk adds any number of words to the filter, in Add calls of at most 100
// words (the API states no cap per call; 100 is the default quota of words
// per app). Words that are not 1–10 characters are reported in their
// results and never sent.
//
// POST /v1/sensitiveword (once per chunk)
func (s *SensitiveWordsService) AddBulk(ctx context.Context, words []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, callOp{method: http.MethodPost, path: "/v1/sensitiveword", field: "words",
		maxChunk: sensitiveAddChunk, validate: validateSensitiveWord, send: s.Add}.bulk(), words, opts)
}

// groupMembersChunk is the most usernames a group's bulk member change
// sends per call: the API states no cap for the v2 member calls, and 500 is
// its cap for users in register and friend calls.
const groupMembersChunk = 500

// AddMembersBulk adds any number of users to group gid, in AddMembers calls
// of at most 500 usernames (for instance, a call fails with ErrGroupFull as
// a whole). Invalid usernames are reported in their results and never sent.
//
// POST /v2/groups/{gid}/addMembers (once per chunk)
func (s *GroupsService) AddMembersBulk(ctx context.Context, gid int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	path, err := groupPath("/v2/groups/%s/addMembers", gid)
	return runBulk(ctx, usernamesOp(http.MethodPost, path, groupMembersChunk, err, bind(s.AddMembers, gid)), usernames, opts)
}

// RemoveMembersBulk removes any number of users from group gid, in
// RemoveMembers calls of at most 500 usernames. Invalid usernames are
// reported in their results and never sent.
//
// POST /v2/groups/{gid}/delMembers (once per chunk)
func (s *GroupsService) RemoveMembersBulk(ctx context.Context, gid int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	path, err := groupPath("/v2/groups/%s/delMembers", gid)
	return runBulk(ctx, usernamesOp(http.MethodPost, path, groupMembersChunk, err, bind(s.RemoveMembers, gid)), usernames, opts)
}

// AddBulk makes any number of users friends of username, in Add calls of at
// most MaxFriendsBatch (500) users (for instance, a call fails with
// ErrAlreadyFriends as a whole). Invalid usernames are reported in their
// results and never sent.
//
// POST /v1/users/{username}/friends (once per chunk)
func (s *FriendsService) AddBulk(ctx context.Context, username string, friends []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.changeOp(http.MethodPost, username, s.Add), friends, opts)
}

// RemoveBulk removes any number of users from username's friends, in Remove
// calls of at most MaxFriendsBatch (500) users. Invalid usernames are
// reported in their results and never sent.
//
// DELETE /v1/users/{username}/friends (once per chunk)
func (s *FriendsService) RemoveBulk(ctx context.Context, username string, friends []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.changeOp(http.MethodDelete, username, s.Remove), friends, opts)
}

func (s *FriendsService) changeOp(method, username string, send func(context.Context, string, []string) (*Response, error)) bulkOp[string] {
	op := usernamesOp(method, pathf("/v1/users/%s/friends", username), MaxFriendsBatch,
		validateUsername("username", username), bind(send, username))
	op.field = "friends"
	return op
}

// AddMembersBulk adds any number of users to chatroom roomID, in AddMembers calls
// of at most MaxChatroomMembers (3000) usernames. Invalid usernames are
// reported in their results and never sent.
//
// PUT /v1/chatroom/{room_id}/members (once per chunk)
func (s *ChatroomsService) AddMembersBulk(ctx context.Context, roomID int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.membersOp(http.MethodPut, roomID, s.AddMembers), usernames, opts)
}

// RemoveMembersBulk removes any number of users from chatroom roomID, in
// RemoveMembers calls of at most MaxChatroomMembers (3000) usernames.
// Invalid usernames are reported in their results and never sent.
//
// DELETE /v1/chatroom/{room_id}/members (once per chunk)
func (s *ChatroomsService) RemoveMembersBulk(ctx context.Context, roomID int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.membersOp(http.MethodDelete, roomID, s.RemoveMembers), usernames, opts)
}

func (s *ChatroomsService) membersOp(method string, roomID int64, send func(context.Context, int64, []string) (*Response, error)) bulkOp[string] {
	return usernamesOp(method, pathf("/v1/chatroom/%s/members", idSeg(roomID)), MaxChatroomMembers,
		validateID("room_id", roomID), bind(send, roomID))
}

// callOp is a bulk operation over strings (usernames, words) whose API
// answers for the whole call: each chunk is one call of send.
type callOp struct {
	method, path string
	field        string // the items' argument name: "usernames"
	maxChunk     int
	invalid      error // the whole operation's argument error, if any
	validate     func(field, item string) error
	send         func(ctx context.Context, chunk []string) (*Response, error)
}

func (o callOp) bulk() bulkOp[string] {
	return bulkOp[string]{op: o.method + " " + o.path, invalid: o.invalid, field: o.field, maxChunk: o.maxChunk,
		key: func(s string) string { return s }, validate: o.validate,
		send: func(ctx context.Context, chunk []string) ([]error, error) {
			_, err := o.send(ctx, chunk)
			return nil, err
		}}
}

// usernamesOp is a callOp over usernames sent to one path.
func usernamesOp(method, path string, maxChunk int, invalidErr error,
	send func(context.Context, []string) (*Response, error)) bulkOp[string] {
	return callOp{method: method, path: path, field: "usernames", maxChunk: maxChunk, invalid: invalidErr,
		validate: validateUsername, send: send}.bulk()
}

// bind fixes the first argument (a group, a room, a user) of a call.
func bind[K any](send func(context.Context, K, []string) (*Response, error), k K) func(context.Context, []string) (*Response, error) {
	return func(ctx context.Context, chunk []string) (*Response, error) { return send(ctx, k, chunk) }
}
