package jmessage_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// inFlight counts the requests a responder is serving, remembers the
// highest count, and holds the first requests until `want` of them are in
// flight together: a bulk operation that never runs `want` calls at once
// leaves them waiting (a guard timeout then lets them through and the
// assertion on Max fails).
type inFlight struct {
	want     int
	cur, max atomic.Int32
	once     sync.Once
	full     chan struct{}
}

func newInFlight(want int) *inFlight { return &inFlight{want: want, full: make(chan struct{})} }

// enter is called at the start of a request; the returned func at its end.
func (f *inFlight) enter() (leave func()) {
	n := f.cur.Add(1)
	for m := f.max.Load(); n > m && !f.max.CompareAndSwap(m, n); m = f.max.Load() {
	}
	if int(n) >= f.want {
		f.once.Do(func() { close(f.full) })
	}
	select {
	case <-f.full:
	case <-time.After(10 * time.Second): // guard against a hang only
	}
	return func() { f.cur.Add(-1) }
}

// registerServer simulates the register endpoint: users named in exists get
// 899001, users whose nickname is "rejected" get 899003, and the call that
// carries failUser fails as a whole with 503. It records every username
// sent and the usernames of the failed call.
type registerServer struct {
	exists   map[string]bool
	failUser string
	flight   *inFlight
	onCall   func(n int) // called with the 1-based number of each call, if set

	mu       sync.Mutex
	calls    int
	sent     map[string]int
	failed   map[string]bool
	maxBatch int
}

func (s *registerServer) respond(req *http.Request) (*http.Response, error) {
	if s.flight != nil {
		defer s.flight.enter()()
	}
	if req.Method != http.MethodPost || req.URL.Path != "/v1/users/" {
		return newJSONResponse(http.StatusNotFound, `{"error":{"code":1,"message":"unexpected call"}}`), nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	var users []jmessage.NewUser
	if err := json.Unmarshal(body, &users); err != nil {
		return newJSONResponse(http.StatusBadRequest, `{"error":{"code":899003,"message":"bad json"}}`), nil
	}
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.maxBatch = max(s.maxBatch, len(users))
	fail := false
	for _, u := range users {
		s.sent[u.Username]++
		fail = fail || u.Username == s.failUser
	}
	if fail {
		for _, u := range users {
			s.failed[u.Username] = true
		}
	}
	s.mu.Unlock()
	if s.onCall != nil {
		s.onCall(n)
	}
	if fail {
		return newJSONResponse(http.StatusServiceUnavailable, `{"error":{"code":899030,"message":"server busy"}}`), nil
	}
	type itemErr struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	type item struct {
		Username string   `json:"username"`
		Error    *itemErr `json:"error,omitempty"`
	}
	out := make([]item, len(users))
	for i, u := range users {
		out[i].Username = u.Username
		switch {
		case s.exists[u.Username]:
			out[i].Error = &itemErr{899001, "user exist"}
		case u.Nickname == "rejected":
			out[i].Error = &itemErr{899003, "parameter invalid"}
		}
	}
	b, _ := json.Marshal(out)
	return newJSONResponse(http.StatusCreated, string(b)), nil
}

func newRegisterServer(mock *httpmock.MockTransport) *registerServer {
	s := &registerServer{exists: map[string]bool{}, sent: map[string]int{}, failed: map[string]bool{}}
	mock.RegisterNoResponder(s.respond)
	return s
}

// bulkUser is user i of a generated import: some have a bad password or
// username (refused locally), some exist, some the server rejects.
func bulkUser(i int) (u jmessage.NewUser, badField string) {
	u = jmessage.NewUser{Username: sprintf("user-%05d", i), Password: "password"}
	switch {
	case i%97 == 0:
		u.Password = "x"
		return u, "password"
	case i%89 == 5:
		u.Username = sprintf("!bad-%05d", i)
		return u, "username"
	case i%1000 == 777:
		u.Nickname = "rejected"
	}
	return u, ""
}

func TestRegisterBulkTenThousandUsers(t *testing.T) {
	t.Parallel()
	const n, concurrency = 10_250, 3
	c, mock := newTestClient(t)
	srv := newRegisterServer(mock)
	srv.failUser = "user-05000"
	srv.flight = newInFlight(concurrency)

	users := make([]jmessage.NewUser, n)
	badField := make([]string, n)
	invalid := 0
	for i := range users {
		users[i], badField[i] = bulkUser(i)
		if badField[i] != "" {
			invalid++
		}
		if i%10 == 3 {
			srv.exists[users[i].Username] = true
		}
	}
	original := slices.Clone(users)

	var progress [][2]int
	results, err := c.Users.RegisterBulk(t.Context(), users, jmessage.BulkOptions{
		Concurrency: concurrency,
		// Unsynchronized on purpose: the race detector fails the test if
		// Progress is ever called from two goroutines at once.
		Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) },
	})

	assert.Equal(t, original, users, "the caller's slice is not modified")
	require.Len(t, results, n)
	require.Len(t, srv.failed, jmessage.MaxRegisterBatch, "exactly one full call fails with 503")
	require.True(t, srv.failed[srv.failUser])
	assert.Equal(t, jmessage.MaxRegisterBatch, srv.maxBatch)
	assert.Equal(t, int32(concurrency), srv.flight.max.Load(), "calls run exactly `concurrency` at a time")

	var failed, already int
	for i, r := range results {
		u := users[i]
		assert.Equal(t, i, r.Index)
		require.Equal(t, u.Username, r.Item, "result %d", i)
		switch {
		case badField[i] != "":
			var verr *jmessage.ValidationError
			require.ErrorAs(t, r.Err, &verr, "user %d", i)
			assert.Equal(t, sprintf("users[%d].%s", i, badField[i]), verr.Field)
			assert.Equal(t, jmessage.BulkFailed, r.Outcome)
			assert.Zero(t, srv.sent[u.Username], "an invalid user is never sent")
			continue
		case srv.failed[u.Username]:
			var apiErr *jmessage.APIError
			require.ErrorAs(t, r.Err, &apiErr, "user %d", i)
			assert.Equal(t, http.StatusServiceUnavailable, apiErr.HTTPStatus)
			assert.ErrorIs(t, r.Err, jmessage.ErrServerBusy)
			assert.Equal(t, jmessage.BulkFailed, r.Outcome)
			failed++
		case srv.exists[u.Username]:
			assert.NoError(t, r.Err, "user %d", i)
			assert.Equal(t, jmessage.BulkAlready, r.Outcome, "user %d exists: already so, not failed", i)
			already++
		case u.Nickname == "rejected":
			assert.ErrorIs(t, r.Err, jmessage.ErrInvalidParameter, "user %d", i)
			assert.Equal(t, jmessage.BulkFailed, r.Outcome)
			failed++
		default:
			assert.NoError(t, r.Err, "user %d", i)
			assert.Equal(t, jmessage.BulkDone, r.Outcome)
		}
		assert.Equal(t, 1, srv.sent[u.Username], "user %d is sent exactly once", i)
	}
	assert.Len(t, srv.sent, n-invalid, "every valid user is sent, nothing else")

	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.Equal(t, n, bulkErr.Total)
	assert.Equal(t, invalid, bulkErr.Invalid)
	assert.Equal(t, failed, bulkErr.Failed)
	assert.Zero(t, bulkErr.NotAttempted)
	assert.Equal(t, n-invalid-failed, bulkErr.Succeeded())
	assert.Positive(t, already)
	assert.NotErrorIs(t, err, jmessage.ErrUserExists, "an existing user is no failure")
	assert.ErrorIs(t, err, jmessage.ErrServerBusy)
	assert.ErrorIs(t, err, jmessage.ErrInvalidArgument)
	assert.NotErrorIs(t, err, jmessage.ErrNotAttempted)
	assert.Contains(t, err.Error(), "POST /v1/users/")

	// One progress call per call sent, each after a whole chunk, ending at the total.
	require.Len(t, progress, srv.calls)
	prev := invalid
	for _, p := range progress {
		assert.Equal(t, n, p[1])
		assert.Greater(t, p[0], prev)
		assert.LessOrEqual(t, p[0]-prev, jmessage.MaxRegisterBatch)
		prev = p[0]
	}
	assert.Equal(t, n, prev)
}

func TestRegisterBulkCancelled(t *testing.T) {
	t.Parallel()
	t.Run("mid-way", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		srv := newRegisterServer(mock)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		srv.onCall = func(n int) {
			if n == 3 {
				cancel()
			}
		}
		users := make([]jmessage.NewUser, 1000)
		for i := range users {
			users[i] = jmessage.NewUser{Username: sprintf("user-%04d", i), Password: "password"}
		}
		var calls int
		results, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{Concurrency: 1, ChunkSize: 100,
			Progress: func(done, total int) { calls++ }})
		require.Len(t, results, len(users))
		assert.Equal(t, 3, srv.calls, "no call starts after the context ends")
		assert.Equal(t, 10, calls, "progress after each chunk, sent or not")
		for i, r := range results {
			switch chunk := i / 100; {
			case chunk < 2:
				assert.NoError(t, r.Err, "user %d", i)
			case chunk == 2: // in flight when cancelled: answered, or cut off by ctx
				if r.Err != nil {
					assert.ErrorIs(t, r.Err, context.Canceled, "user %d", i)
					assert.NotErrorIs(t, r.Err, jmessage.ErrNotAttempted, "user %d was sent", i)
				}
			default:
				assert.ErrorIs(t, r.Err, jmessage.ErrNotAttempted, "user %d", i)
				assert.ErrorIs(t, r.Err, context.Canceled, "user %d", i)
				assert.Zero(t, srv.sent[users[i].Username])
			}
		}
		var bulkErr *jmessage.BulkError
		require.ErrorAs(t, err, &bulkErr)
		assert.Equal(t, 700, bulkErr.NotAttempted)
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, jmessage.ErrNotAttempted)
	})
	t.Run("before the start", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusCreated, "[]")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		users := []jmessage.NewUser{
			{Username: "user-0001", Password: "password"},
			{Username: "user-0002", Password: "x"},
			{Username: "user-0003", Password: "password"},
		}
		var progress []int
		results, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{
			Progress: func(done, _ int) { progress = append(progress, done) }})
		require.Len(t, results, 3)
		assert.Equal(t, []int{3}, progress, "the one chunk, never sent, is settled")
		assert.ErrorIs(t, results[0].Err, jmessage.ErrNotAttempted)
		assert.ErrorIs(t, results[1].Err, jmessage.ErrInvalidArgument, "validation still reported")
		assert.ErrorIs(t, results[2].Err, jmessage.ErrNotAttempted)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, mock.GetTotalCallCount())
	})
}

func TestRegisterBulkMatchesResultsByUsername(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	// The answer lists the users out of order and leaves user-0002 out.
	capture(mock, http.StatusCreated,
		`[{"username":"user-0003","error":{"code":899001,"message":"user exist"}},{"username":"user-0001"}]`)
	users := []jmessage.NewUser{
		{Username: "user-0001", Password: "password"},
		{Username: "user-0002", Password: "password"},
		{Username: "user-0003", Password: "password"},
	}
	results, err := c.Users.RegisterBulk(t.Context(), users, jmessage.BulkOptions{})
	require.Len(t, results, 3)
	assert.Equal(t, jmessage.BulkResult{Index: 0, Item: "user-0001", Outcome: jmessage.BulkDone}, results[0])
	assert.ErrorIs(t, results[1].Err, jmessage.ErrMalformedResponse, "an item the answer leaves out is not lost")
	assert.Equal(t, jmessage.BulkFailed, results[1].Outcome)
	assert.Equal(t, jmessage.BulkResult{Index: 2, Item: "user-0003", Outcome: jmessage.BulkAlready}, results[2])
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.Equal(t, 1, bulkErr.Failed)
}

func TestRegisterBulkSuccess(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	srv := newRegisterServer(mock)
	users := make([]jmessage.NewUser, 1201)
	for i := range users {
		users[i] = jmessage.NewUser{Username: sprintf("user-%04d", i), Password: "password"}
	}
	results, err := c.Users.RegisterBulk(t.Context(), users, jmessage.BulkOptions{ChunkSize: 400})
	require.NoError(t, err)
	require.Len(t, results, len(users))
	for i, r := range results {
		assert.Equal(t, jmessage.BulkResult{Index: i, Item: users[i].Username, Outcome: jmessage.BulkDone}, r)
	}
	assert.Equal(t, 4, srv.calls)
	assert.Equal(t, 400, srv.maxBatch)

	t.Run("a panicking Progress leaves no worker behind", func(t *testing.T) {
		// goleak (TestMain) fails the run if a worker goroutine is left.
		assert.PanicsWithValue(t, "boom", func() {
			_, _ = c.Users.RegisterBulk(t.Context(), users, jmessage.BulkOptions{ChunkSize: 100, Concurrency: 3,
				Progress: func(int, int) { panic("boom") }})
		})
	})
	t.Run("nothing to do", func(t *testing.T) {
		calls := srv.calls
		results, err := c.Users.RegisterBulk(t.Context(), nil, jmessage.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, results)
		assert.Equal(t, calls, srv.calls)
	})
}

// wholeCallBulkTest is a bulk operation over strings whose API answers for
// the whole call.
type wholeCallBulkTest struct {
	name         string
	method, path string
	cap          int
	item         func(i int) string // a valid item
	bad          string             // an item refused locally
	field        string             // the items' argument name
	failCode     jmessage.ErrorCode // the error of the call that fails
	already      jmessage.ErrorCode // the code by which the server says an item is already so, if any
	call         func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error)
}

func runWholeCallBulkTests(t *testing.T, tests []wholeCallBulkTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := 3*tt.cap + tt.cap/2 + 7
			items := make([]string, n)
			invalid := 0
			for i := range items {
				items[i] = tt.item(i)
				if i%50 == 7 {
					items[i] = tt.bad
					invalid++
				}
			}
			failItem := items[n/2]
			c, mock := newTestClient(t)
			var mu sync.Mutex
			var batches [][]string
			mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				var got []string
				if req.Method != tt.method || req.URL.Path != tt.path || json.NewDecoder(req.Body).Decode(&got) != nil {
					return newJSONResponse(http.StatusBadRequest, `{"error":{"code":1,"message":"unexpected"}}`), nil
				}
				mu.Lock()
				batches = append(batches, got)
				mu.Unlock()
				if slices.Contains(got, failItem) {
					return newJSONResponse(http.StatusBadRequest, sprintf(`{"error":{"code":%d,"message":"no"}}`, tt.failCode)), nil
				}
				return newJSONResponse(http.StatusNoContent, ""), nil
			})

			var progress []int
			results, err := tt.call(t.Context(), c, items, jmessage.BulkOptions{Concurrency: 2,
				Progress: func(done, total int) { progress = append(progress, done) }})
			require.Len(t, results, n)

			sent := map[string]int{}
			failedCall := map[string]bool{}
			for _, b := range batches {
				assert.LessOrEqual(t, len(b), tt.cap)
				for _, it := range b {
					sent[it]++
					failedCall[it] = failedCall[it] || slices.Contains(b, failItem)
				}
			}
			assert.Len(t, batches, (n-invalid+tt.cap-1)/tt.cap, "valid items in calls of the cap")
			assert.Len(t, progress, len(batches))
			assert.Equal(t, n, progress[len(progress)-1])
			failed := 0
			for i, r := range results {
				assert.Equal(t, items[i], r.Item)
				assert.Equal(t, i, r.Index)
				switch {
				case i%50 == 7:
					var verr *jmessage.ValidationError
					require.ErrorAs(t, r.Err, &verr)
					assert.Equal(t, sprintf("%s[%d]", tt.field, i), verr.Field)
					assert.Equal(t, jmessage.BulkFailed, r.Outcome)
					continue
				case failedCall[items[i]]:
					assert.ErrorIs(t, r.Err, tt.failCode, "each item of a failed call carries its error")
					assert.Equal(t, jmessage.BulkFailed, r.Outcome)
					failed++
				default:
					assert.NoError(t, r.Err)
					assert.Equal(t, jmessage.BulkDone, r.Outcome)
				}
				assert.Equal(t, 1, sent[items[i]], "item %d sent once", i)
			}
			assert.Zero(t, sent[tt.bad], "an invalid item is never sent")
			assert.Equal(t, tt.cap, failed, "one full call failed")
			var bulkErr *jmessage.BulkError
			require.ErrorAs(t, err, &bulkErr)
			assert.Equal(t, invalid, bulkErr.Invalid)
			assert.Equal(t, failed, bulkErr.Failed)
			assert.ErrorIs(t, err, tt.failCode)
			assert.Contains(t, err.Error(), tt.method+" "+tt.path)
		})
	}
}

// wholeCallBulkTests are the bulk forms whose API answers for the whole call.
func wholeCallBulkTests() []wholeCallBulkTest {
	username := func(i int) string { return sprintf("user-%05d", i) }
	return []wholeCallBulkTest{
		{
			name: "Users.DeleteBulk", method: http.MethodDelete, path: "/v1/users/", cap: jmessage.MaxDeleteBatch,
			item: username, bad: "x!", field: "usernames", failCode: jmessage.ErrServerInternal, already: jmessage.ErrUserNotFound,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Users.DeleteBulk(ctx, items, opts)
			},
		},
		{
			name: "SensitiveWords.AddBulk", method: http.MethodPost, path: "/v1/sensitiveword", cap: 100,
			item: func(i int) string { return sprintf("w%d", i) }, bad: "elevenchars", field: "words",
			failCode: jmessage.ErrInvalidParameter,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.SensitiveWords.AddBulk(ctx, items, opts)
			},
		},
		{
			name: "Friends.AddBulk", method: http.MethodPost, path: "/v1/users/dev_fang/friends", cap: jmessage.MaxFriendsBatch,
			item: username, bad: "no spaces", field: "friends", failCode: jmessage.ErrUserNotFound, already: jmessage.ErrAlreadyFriends,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Friends.AddBulk(ctx, "dev_fang", items, opts)
			},
		},
		{
			name: "Friends.RemoveBulk", method: http.MethodDelete, path: "/v1/users/dev_fang/friends", cap: jmessage.MaxFriendsBatch,
			item: username, bad: "abc", field: "friends", failCode: jmessage.ErrUserNotFound, already: jmessage.ErrNotFriend,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Friends.RemoveBulk(ctx, "dev_fang", items, opts)
			},
		},
		{
			name: "Chatrooms.AddMembersBulk", method: http.MethodPut, path: "/v1/chatroom/777/members", cap: jmessage.MaxChatroomMembers,
			item: username, bad: "user name", field: "usernames", failCode: jmessage.ErrChatroomNotFound, already: jmessage.ErrAlreadyInChatroom,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Chatrooms.AddMembersBulk(ctx, 777, items, opts)
			},
		},
		{
			name: "Chatrooms.RemoveMembersBulk", method: http.MethodDelete, path: "/v1/chatroom/777/members", cap: jmessage.MaxChatroomMembers,
			item: username, bad: "_user", field: "usernames", failCode: jmessage.ErrChatroomNotFound, already: jmessage.ErrUserNotInChatroom,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Chatrooms.RemoveMembersBulk(ctx, 777, items, opts)
			},
		},
		{
			name: "Groups.AddMembersBulk", method: http.MethodPost, path: "/v2/groups/12345/addMembers", cap: 500,
			item: username, bad: "-bad-name", field: "usernames", failCode: jmessage.ErrGroupFull, already: jmessage.ErrUserInGroup,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Groups.AddMembersBulk(ctx, 12345, items, opts)
			},
		},
		{
			name: "Groups.RemoveMembersBulk", method: http.MethodPost, path: "/v2/groups/12345/delMembers", cap: 500,
			item: username, bad: "", field: "usernames", failCode: jmessage.ErrGroupNotFound, already: jmessage.ErrUserNotInGroup,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Groups.RemoveMembersBulk(ctx, 12345, items, opts)
			},
		},
		{
			name: "Users.AddToBlacklistBulk", method: http.MethodPut, path: "/v1/users/dev_fang/blacklist", cap: 500,
			item: username, bad: "a b", field: "usernames", failCode: jmessage.ErrUserNotFound, already: jmessage.ErrAlreadyBlacklisted,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Users.AddToBlacklistBulk(ctx, "dev_fang", items, opts)
			},
		},
		{
			name: "Users.RemoveFromBlacklistBulk", method: http.MethodDelete, path: "/v1/users/dev_fang/blacklist", cap: 500,
			item: username, bad: "a/b", field: "usernames", failCode: jmessage.ErrUserNotFound, already: jmessage.ErrNotBlacklisted,
			call: func(ctx context.Context, c *jmessage.Client, items []string, opts jmessage.BulkOptions) ([]jmessage.BulkResult, error) {
				return c.Users.RemoveFromBlacklistBulk(ctx, "dev_fang", items, opts)
			},
		},
	}
}

func TestWholeCallBulkOperations(t *testing.T) {
	t.Parallel()
	runWholeCallBulkTests(t, wholeCallBulkTests())
}

// TestBulkAlreadySo: against a server that refuses a whole call with the
// form's "already" code when any item of it is already so (as the fake
// does), every item already so is reported BulkAlready, every other one is
// applied once and reported BulkDone, and the operation has no error.
func TestBulkAlreadySo(t *testing.T) {
	t.Parallel()
	for _, tt := range wholeCallBulkTests() {
		if tt.already == 0 {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := 2*tt.cap + 31
			items := make([]string, n)
			isAlready := map[string]bool{}
			for i := range items {
				items[i] = tt.item(i)
				if i%97 == 5 || i >= 2*tt.cap { // a few here and there, and a whole last call
					isAlready[items[i]] = true
				}
			}
			c, mock := newTestClient(t)
			var mu sync.Mutex
			applied := map[string]int{}
			calls := 0
			mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				var got []string
				if req.Method != tt.method || req.URL.Path != tt.path || json.NewDecoder(req.Body).Decode(&got) != nil {
					return newJSONResponse(http.StatusBadRequest, `{"error":{"code":1,"message":"unexpected"}}`), nil
				}
				mu.Lock()
				defer mu.Unlock()
				calls++
				if slices.ContainsFunc(got, func(s string) bool { return isAlready[s] }) {
					return newJSONResponse(http.StatusForbidden, sprintf(`{"error":{"code":%d,"message":"already"}}`, tt.already)), nil
				}
				for _, it := range got {
					applied[it]++
				}
				return newJSONResponse(http.StatusNoContent, ""), nil
			})
			results, err := tt.call(t.Context(), c, items, jmessage.BulkOptions{Concurrency: 3})
			require.NoError(t, err, "an item already so is no failure")
			require.Len(t, results, n)
			for i, r := range results {
				require.NoError(t, r.Err, "item %d", i)
				if isAlready[items[i]] {
					assert.Equal(t, jmessage.BulkAlready, r.Outcome, "item %d", i)
					assert.Zero(t, applied[items[i]], "item %d", i)
				} else {
					assert.Equal(t, jmessage.BulkDone, r.Outcome, "item %d", i)
					assert.Equal(t, 1, applied[items[i]], "item %d is applied once", i)
				}
			}
			assert.Less(t, calls, 2*n, "splitting stops at single items")
		})
	}
}

func TestBulkValidation(t *testing.T) {
	t.Parallel()
	users := []jmessage.NewUser{{Username: "user-0001", Password: "password"}}
	runValidationTests(t, []validationTest{
		{"chunk size over the cap", "opts.ChunkSize", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{ChunkSize: jmessage.MaxRegisterBatch + 1})
			return err
		}},
		{"negative chunk size", "opts.ChunkSize", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.Users.DeleteBulk(ctx, []string{"user-0001"}, jmessage.BulkOptions{ChunkSize: -1})
			return err
		}},
		{"words chunk over 100", "opts.ChunkSize", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.SensitiveWords.AddBulk(ctx, []string{"word"}, jmessage.BulkOptions{ChunkSize: 101})
			return err
		}},
		{"negative concurrency", "opts.Concurrency", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{Concurrency: -1})
			return err
		}},
		{"group id", "gid", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.Groups.AddMembersBulk(ctx, 0, []string{"user-0001"}, jmessage.BulkOptions{})
			return err
		}},
		{"friends owner", "username", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.Friends.RemoveBulk(ctx, "x", []string{"user-0001"}, jmessage.BulkOptions{})
			return err
		}},
		{"room id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			_, err := c.Chatrooms.RemoveMembersBulk(ctx, -1, []string{"user-0001"}, jmessage.BulkOptions{})
			return err
		}},
		{"nil context", "ctx", func(_ context.Context, c *jmessage.Client) error {
			//lint:ignore SA1012 a nil context is what is tested
			_, err := c.Users.DeleteBulk(nil, []string{"user-0001"}, jmessage.BulkOptions{})
			return err
		}},
	})
}

// TestBulkTransportError: a call that gets no answer at all gives its
// *TransportError to each of its items, and to those only.
func TestBulkTransportError(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	reset := errors.New("connection reset by peer")
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var got []string
		if err := json.NewDecoder(req.Body).Decode(&got); err != nil {
			return nil, err
		}
		if slices.Contains(got, "user-00150") {
			return nil, reset
		}
		return newJSONResponse(http.StatusNoContent, ""), nil
	})
	names := make([]string, 250)
	for i := range names {
		names[i] = sprintf("user-%05d", i)
	}
	results, err := c.Users.DeleteBulk(t.Context(), names, jmessage.BulkOptions{Concurrency: 1})
	require.Len(t, results, len(names))
	for i, r := range results {
		if i/jmessage.MaxDeleteBatch != 1 {
			assert.NoError(t, r.Err, "user %d", i)
			continue
		}
		var terr *jmessage.TransportError
		require.ErrorAs(t, r.Err, &terr, "user %d", i)
		assert.ErrorIs(t, r.Err, reset)
		assert.Equal(t, http.MethodDelete, terr.Method)
	}
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.Equal(t, jmessage.MaxDeleteBatch, bulkErr.Failed)
	assert.Equal(t, 150, bulkErr.Succeeded())
	assert.ErrorIs(t, err, reset)
}

// TestBulkRetriesBusyCalls: every bulk call is safe to repeat, so a call
// answered 503/899030 is retried under the client's retry policy, POSTs
// included, and its items are done.
func TestBulkRetriesBusyCalls(t *testing.T) {
	t.Parallel()
	for _, tt := range wholeCallBulkTests() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t, jmessage.WithRetryPolicy(jmessage.RetryPolicy{MaxAttempts: 3,
				MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			var calls atomic.Int32
			mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				if calls.Add(1) <= 2 {
					return newJSONResponse(http.StatusServiceUnavailable, `{"error":{"code":899030,"message":"busy"}}`), nil
				}
				return newJSONResponse(http.StatusNoContent, ""), nil
			})
			items := []string{tt.item(1), tt.item(2)}
			results, err := tt.call(t.Context(), c, items, jmessage.BulkOptions{})
			require.NoError(t, err)
			for _, r := range results {
				assert.Equal(t, jmessage.BulkDone, r.Outcome)
			}
			assert.Equal(t, int32(3), calls.Load(), "two busy answers, then the one that succeeds")
		})
	}
}
