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
	// Progress, when set, is called after each chunk of items is settled,
	// with done the number of items whose result is final so far (items
	// refused by validation count from the first call) and total the number
	// of items given. The last call has done == total.
	//
	// Progress runs on the goroutine that called the bulk method, never
	// concurrently with itself, so it needs no locking. Calls in flight go
	// on while it runs, but at most Concurrency chunks are ever started and
	// not yet reported: cancelling ctx from Progress leaves every other
	// item never sent.
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

// BulkOutcome is what became of one item of a bulk operation: done,
// already so, or failed. Programs that report an import (such as the
// jmessage CLI's users import) count their results by it.
type BulkOutcome int

// The outcomes of a bulk item. The zero BulkOutcome is none of them.
const (
	// BulkDone: the call carrying the item succeeded; the item was applied.
	BulkDone BulkOutcome = iota + 1
	// BulkAlready: the server answered that the item was already so: the
	// user exists (899001), is already a friend (899070), a group member
	// (899011), a chatroom member (851003), blacklisted (899017), or, for a
	// removal, already gone (899002, 899014, 899019, 899071, 899082); the
	// codes that also match these sentinels (898001, 805002…) count too. Re-running an import
	// reports the items of the earlier run this way.
	BulkAlready
	// BulkFailed: the item was not applied, or may not have been; Err says
	// why.
	BulkFailed
)

// String returns "done", "already" or "failed".
func (o BulkOutcome) String() string {
	switch o {
	case BulkDone:
		return "done"
	case BulkAlready:
		return "already"
	case BulkFailed:
		return "failed"
	}
	return fmt.Sprintf("BulkOutcome(%d)", int(o))
}

// BulkResult is the outcome of one input item of a bulk operation.
type BulkResult struct {
	// Index is the item's position in the input slice.
	Index int
	// Item names the item: the username, or the word.
	Item string
	// Outcome is BulkDone, BulkAlready or BulkFailed.
	Outcome BulkOutcome
	// Err is nil unless Outcome is BulkFailed. Then it is one of:
	//   - a *ValidationError: the item was refused locally and never sent
	//     (Field names it by its input index, as "users[42].password");
	//   - the item's own *APIError, when the API answers per item
	//     (register: ErrInvalidParameter for 899003);
	//   - the error of the call that carried the item (an *APIError such as
	//     a 503 left after the client's retries, or a *TransportError):
	//     every item of that call shares it. When the context ended while
	//     the call was in flight it matches context.Canceled or
	//     DeadlineExceeded, and the item may or may not have been applied;
	//   - an error matching ErrNotAttempted: the context ended before the
	//     item's call was started, so it was never sent.
	Err error
}

// BulkError is the error of a bulk operation in which some items failed
// (BulkFailed); items done or already so are not failures. Every item's
// own outcome is in the results the operation returned alongside it;
// BulkError counts the failures. errors.Is and errors.As see through it to
// the failed items' errors, so errors.Is(err, ErrInvalidParameter) reports
// whether any item failed that way and errors.Is(err, context.Canceled)
// whether the operation was cut short.
type BulkError struct {
	// Op names the operation, such as "POST /v1/users/".
	Op string
	// Total is the number of items given.
	Total int
	// Invalid counts items refused by validation, never sent.
	Invalid int
	// Failed counts items sent that failed: their own error or their
	// call's.
	Failed int
	// NotAttempted counts items never sent because the context ended.
	NotAttempted int

	errs []error // distinct errors: each call's error once, each item's own
}

// Succeeded is the number of items that did not fail: done or already so.
func (e *BulkError) Succeeded() int { return e.Total - e.failures() }

func (e *BulkError) failures() int { return e.Invalid + e.Failed + e.NotAttempted }

// Error summarizes the counts and names the first error.
func (e *BulkError) Error() string {
	msg := fmt.Sprintf("jmessage: bulk %s: %d of %d items failed (%d failed, %d invalid, %d not attempted)",
		e.Op, e.failures(), e.Total, e.Failed, e.Invalid, e.NotAttempted)
	if len(e.errs) > 0 {
		msg += "; first error: " + e.errs[0].Error()
	}
	return msg
}

// Unwrap returns the distinct errors of the items that failed.
func (e *BulkError) Unwrap() []error { return e.errs }

// bulkOp is one bulk operation: everything that differs between them. Each
// chunk of items is the body of one call of req, or, for an answer per item
// (register), is sent by perItem.
type bulkOp[T any] struct {
	req      request // the call each chunk is the body of; req.invalid is the whole operation's argument error
	field    string  // the items' argument name in validation errors: "users"
	maxChunk int     // the API's cap of items per call
	key      func(T) string
	check    func(field string, item T) error // checks one item under its relative field name
	// already are the codes by which the server says an item is already
	// so. A call that fails with one of them as a whole is split in halves
	// and each half sent again, down to single items, so that the items
	// already so are told from the others.
	already []ErrorCode
	// perItem, when set, sends a chunk whose answer holds each item's
	// error (nil for success), or returns the call's error.
	perItem func(ctx context.Context, chunk []T) ([]error, error)
}

// usernamesOp is a bulk operation whose items are usernames sent as the
// body of req.
func usernamesOp(req request, field string, maxChunk int, already ...ErrorCode) bulkOp[string] {
	return bulkOp[string]{req: req, field: field, maxChunk: maxChunk, already: already,
		key: func(s string) string { return s }, check: validateUsername}
}

// isAlready reports whether err says the item is already so.
func (op *bulkOp[T]) isAlready(err error) bool {
	for _, code := range op.already {
		if errors.Is(err, code) {
			return true
		}
	}
	return false
}

// outcome classifies an item's error.
func (op *bulkOp[T]) outcome(err error) (BulkOutcome, error) {
	switch {
	case err == nil:
		return BulkDone, nil
	case op.isAlready(err):
		return BulkAlready, nil
	}
	return BulkFailed, err
}

// bulkRun is one run of a bulk operation over items.
type bulkRun[T any] struct {
	c       *Client
	op      *bulkOp[T]
	items   []T
	results []BulkResult // each worker writes only its chunk's indices
}

// runBulk is the one bulk engine: it validates every item once, sends the
// valid ones in chunks of at most the operation's cap through a pool of
// opts.Concurrency workers, and returns one result per item, in input
// order. Every call may be repeated (each bulk form's change is harmless
// to repeat), so it goes out under RetryUnsafe: the client's retry policy
// retries it on 503 and 899030 like a PUT. The error is nil when no item
// failed, a *BulkError when some did, and a *ValidationError (with nil
// results) when ctx, opts or op.req.invalid say the operation as a whole
// cannot run.
func runBulk[T any](ctx context.Context, c *Client, op bulkOp[T], items []T, opts BulkOptions) ([]BulkResult, error) {
	if ctx == nil {
		return nil, invalid("ctx", "must not be nil")
	}
	if op.req.invalid != nil {
		return nil, op.req.invalid
	}
	size, workers, err := opts.resolve(op.maxChunk)
	if err != nil {
		return nil, err
	}
	b := &bulkRun[T]{c: c, op: &op, items: items, results: make([]BulkResult, len(items))}
	chunks, invalidN := b.validate(size)
	progress := opts.Progress
	if progress == nil {
		progress = func(int, int) {}
	}
	settled := invalidN
	for n := range pool(ctx, workers, chunks, b.work) {
		settled += n
		progress(settled, len(items))
	}
	return b.results, summarize(op.req.method+" "+op.req.path, b.results)
}

// validate fills in every item's result, checks each item once, and
// returns the input indices of the valid items in chunks of at most size,
// and the number of invalid items.
func (b *bulkRun[T]) validate(size int) (chunks [][]int, invalidN int) {
	var cur []int
	for i, it := range b.items {
		b.results[i] = BulkResult{Index: i, Item: b.op.key(it)}
		if err := b.op.check("", it); err != nil {
			b.results[i].Outcome, b.results[i].Err = BulkFailed, under(indexed(b.op.field, i), err)
			invalidN++
			continue
		}
		cur = append(cur, i)
		if len(cur) == size {
			chunks, cur = append(chunks, cur), nil
		}
	}
	if len(cur) > 0 {
		chunks = append(chunks, cur)
	}
	return chunks, invalidN
}

// pool runs work on every chunk, at most workers at a time, and yields the
// size of each chunk once work is done with it. A worker takes its next
// chunk only once its last one was yielded, so at most workers chunks are
// started and not yet yielded. When the consumer stops early (a panic in
// Progress), no chunk starts, and pool returns once the chunks in flight
// are done and every goroutine it started has returned.
func pool(ctx context.Context, workers int, chunks [][]int, work func(context.Context, []int)) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		defer wg.Wait()
		defer close(stop)
		jobs, done := make(chan []int), make(chan int)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(jobs)
			for _, idx := range chunks {
				select {
				case jobs <- idx:
				case <-stop:
					return
				}
			}
		}()
		for range min(workers, len(chunks)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for idx := range jobs {
					work(ctx, idx)
					select {
					case done <- len(idx):
					case <-stop:
						return
					}
				}
			}()
		}
		for range chunks {
			if !yield(<-done) {
				return
			}
		}
	}
}

// work sends the items of idx and records their results. A call that fails
// as a whole with an "already" code is split in halves, each sent again.
func (b *bulkRun[T]) work(ctx context.Context, idx []int) {
	if err := ctx.Err(); err != nil {
		b.record(idx, nil, fmt.Errorf("%w: %w", ErrNotAttempted, err))
		return
	}
	itemErrs, err := b.send(ctx, idx)
	if err != nil && len(idx) > 1 && b.op.isAlready(err) {
		half := len(idx) / 2
		b.work(ctx, idx[:half])
		b.work(ctx, idx[half:])
		return
	}
	b.record(idx, itemErrs, err)
}

// send makes the one call carrying the items of idx.
func (b *bulkRun[T]) send(ctx context.Context, idx []int) ([]error, error) {
	var chunk []T
	if last := idx[len(idx)-1]; last-idx[0] == len(idx)-1 {
		chunk = b.items[idx[0] : last+1 : last+1] // contiguous: no copy (nothing writes to it)
	} else {
		chunk = make([]T, len(idx))
		for j, i := range idx {
			chunk[j] = b.items[i]
		}
	}
	ctx = RetryUnsafe(ctx)
	if b.op.perItem != nil {
		return b.op.perItem(ctx, chunk)
	}
	r := b.op.req
	r.body = chunk
	_, err := b.c.do(ctx, r, nil)
	return nil, err
}

// record stores the results of the items of idx: the call's error for
// each, or each item's own (itemErrs, nil when the call succeeded).
func (b *bulkRun[T]) record(idx []int, itemErrs []error, callErr error) {
	for j, i := range idx {
		err := callErr
		if err == nil && itemErrs != nil {
			err = itemErrs[j]
		}
		b.results[i].Outcome, b.results[i].Err = b.op.outcome(err)
	}
}

// summarize returns nil when no result failed, else the *BulkError
// counting the failures.
func summarize(op string, results []BulkResult) error {
	e := &BulkError{Op: op, Total: len(results)}
	seen := make(map[error]bool)
	for _, r := range results {
		if r.Outcome != BulkFailed {
			continue
		}
		var verr *ValidationError
		switch {
		case errors.As(r.Err, &verr):
			e.Invalid++
		case errors.Is(r.Err, ErrNotAttempted):
			e.NotAttempted++
		default:
			e.Failed++
		}
		if !seen[r.Err] {
			seen[r.Err] = true
			e.errs = append(e.errs, r.Err)
		}
	}
	if e.failures() == 0 {
		return nil
	}
	return e
}

// missingResult is the error of an item that a per-item answer leaves out.
func missingResult(method, path string, resp *Response) error {
	return &APIError{Method: method, Path: path, HTTPStatus: statusOf(resp), Response: resp,
		Message: "the answer holds no result for this item", Err: ErrMalformedResponse}
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

// Every bulk method below takes any number of items, sends them in calls
// of at most the API's cap (or opts.ChunkSize), opts.Concurrency calls at a
// time, and returns one BulkResult per item, in input order: BulkDone,
// BulkAlready (so an import can be re-run) or BulkFailed with its error.
// An item refused by validation is reported in its result and never sent;
// the others still are. Every call may be repeated harmlessly, so each is
// sent under RetryUnsafe and the client's retry policy retries it on 503
// and 899030 (ErrServerBusy) as it does a PUT. A call that fails as a
// whole with the form's "already" code is split and sent again until the
// items already so are told from the others; an item the server applied
// in such a call may then be reported BulkAlready rather than BulkDone.
// Cancelling ctx stops starting new calls at once: items never sent match
// ErrNotAttempted.
//
// The error is nil when no item failed, else a *BulkError counting the
// failures; results are returned in both cases. Only invalid arguments of
// the whole operation (ctx, opts, a group or room id, a username) return
// nil results and a *ValidationError.

// RegisterBulk registers any number of users, in RegisterBatch calls of at
// most MaxRegisterBatch (500). Item is the username; a user that exists
// (899001) is BulkAlready, and one the server refused (899003) fails with
// its own error.
//
// POST /v1/users/ (once per chunk)
func (s *UsersService) RegisterBulk(ctx context.Context, users []NewUser, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, bulkOp[NewUser]{
		req: request{method: http.MethodPost, path: "/v1/users/"}, field: "users", maxChunk: MaxRegisterBatch,
		key: func(u NewUser) string { return u.Username }, already: []ErrorCode{ErrUserExists},
		check: func(field string, u NewUser) error { return u.validate(field) },
		perItem: func(ctx context.Context, chunk []NewUser) ([]error, error) {
			res, resp, err := s.register(ctx, chunk, nil) // validated once, by runBulk
			if err != nil {
				return nil, err
			}
			return matchRegisterResults(chunk, res, missingResult(http.MethodPost, "/v1/users/", resp)), nil
		},
	}, users, opts)
}

// DeleteBulk deletes any number of users, in DeleteBatch calls of at most
// MaxDeleteBatch (100) usernames; a user the API answers does not exist
// (899002) is BulkAlready. The batch call answers nothing per user: a name
// it accepts silently is BulkDone, whether or not it was a user.
//
// DELETE /v1/users/ (once per chunk)
func (s *UsersService) DeleteBulk(ctx context.Context, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(deleteBatchCall(), "usernames", MaxDeleteBatch, ErrUserNotFound), usernames, opts)
}

// AddToBlacklistBulk adds any number of users to username's blacklist, in
// AddToBlacklist calls of at most 500 usernames; a user already on it
// (899017) is BulkAlready.
//
// PUT /v1/users/{username}/blacklist (once per chunk)
func (s *UsersService) AddToBlacklistBulk(ctx context.Context, username string, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(blacklistCall(http.MethodPut, username), "usernames", bulkUsernamesChunk,
		ErrAlreadyBlacklisted), usernames, opts)
}

// RemoveFromBlacklistBulk removes any number of users from username's
// blacklist, in RemoveFromBlacklist calls of at most 500 usernames; a user
// not on it (899019) is BulkAlready.
//
// DELETE /v1/users/{username}/blacklist (once per chunk)
func (s *UsersService) RemoveFromBlacklistBulk(ctx context.Context, username string, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(blacklistCall(http.MethodDelete, username), "usernames", bulkUsernamesChunk,
		ErrNotBlacklisted), usernames, opts)
}

// sensitiveAddChunk is the most words AddBulk sends per call: the API states
// no cap per call, and 100 is the default quota of words per app.
const sensitiveAddChunk = rules.SensitiveWordQuota

// AddBulk adds any number of words to the filter, in Add calls of at most
// 100 words (the API states no cap per call; 100 is the default quota of
// words per app). Words that are not 1–10 characters are refused locally.
//
// POST /v1/sensitiveword (once per chunk)
func (s *SensitiveWordsService) AddBulk(ctx context.Context, words []string, opts BulkOptions) ([]BulkResult, error) {
	op := usernamesOp(sensitiveAddCall(), "words", sensitiveAddChunk)
	op.check = validateSensitiveWord
	return runBulk(ctx, s.client, op, words, opts)
}

// bulkUsernamesChunk is the most usernames a bulk form sends per call
// where the API states no cap (group members v2, blacklists): 500 is its
// cap for users in register and friend calls.
const bulkUsernamesChunk = 500

// AddMembersBulk adds any number of users to group gid, in AddMembers calls
// of at most 500 usernames; a member already (899011) is BulkAlready. A
// full group fails a call with ErrGroupFull.
//
// POST /v2/groups/{gid}/addMembers (once per chunk)
func (s *GroupsService) AddMembersBulk(ctx context.Context, gid int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(groupCall(http.MethodPost, "/v2/groups/%s/addMembers", gid), "usernames",
		bulkUsernamesChunk, ErrUserInGroup), usernames, opts)
}

// RemoveMembersBulk removes any number of users from group gid, in
// RemoveMembers calls of at most 500 usernames; a user not in the group
// (899014) is BulkAlready.
//
// POST /v2/groups/{gid}/delMembers (once per chunk)
func (s *GroupsService) RemoveMembersBulk(ctx context.Context, gid int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(groupCall(http.MethodPost, "/v2/groups/%s/delMembers", gid), "usernames",
		bulkUsernamesChunk, ErrUserNotInGroup), usernames, opts)
}

// AddBulk makes any number of users friends of username, in Add calls of
// at most MaxFriendsBatch (500) users; a friend already (899070) is
// BulkAlready.
//
// POST /v1/users/{username}/friends (once per chunk)
func (s *FriendsService) AddBulk(ctx context.Context, username string, friends []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(friendsCall(http.MethodPost, username), "friends", MaxFriendsBatch,
		ErrAlreadyFriends), friends, opts)
}

// RemoveBulk removes any number of users from username's friends, in
// Remove calls of at most MaxFriendsBatch (500) users; a user who is not a
// friend (899071) is BulkAlready.
//
// DELETE /v1/users/{username}/friends (once per chunk)
func (s *FriendsService) RemoveBulk(ctx context.Context, username string, friends []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(friendsCall(http.MethodDelete, username), "friends", MaxFriendsBatch,
		ErrNotFriend), friends, opts)
}

// AddMembersBulk adds any number of users to chatroom roomID, in
// AddMembers calls of at most MaxChatroomMembers (3000) usernames; a member
// already (851003, ErrAlreadyInChatroom) is BulkAlready. (A server that
// takes a member added again as done reports it BulkDone.)
//
// PUT /v1/chatroom/{room_id}/members (once per chunk)
func (s *ChatroomsService) AddMembersBulk(ctx context.Context, roomID int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(chatroomMembersCall(http.MethodPut, roomID), "usernames",
		MaxChatroomMembers, ErrAlreadyInChatroom), usernames, opts)
}

// RemoveMembersBulk removes any number of users from chatroom roomID, in
// RemoveMembers calls of at most MaxChatroomMembers (3000) usernames; a
// user not in the room (899082) is BulkAlready.
//
// DELETE /v1/chatroom/{room_id}/members (once per chunk)
func (s *ChatroomsService) RemoveMembersBulk(ctx context.Context, roomID int64, usernames []string, opts BulkOptions) ([]BulkResult, error) {
	return runBulk(ctx, s.client, usernamesOp(chatroomMembersCall(http.MethodDelete, roomID), "usernames",
		MaxChatroomMembers, ErrUserNotInChatroom), usernames, opts)
}
