package jmessage_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// TestBulkAgainstFake imports 10,250 users into the fake server, some of
// them invalid, some already registered, with two register calls answered
// 503/899030 (retried, since repeating a register is harmless), imports
// them again (every user already so), then deletes them all, and checks
// each user's fate on the server itself.
func TestBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client(jmessage.WithRetryPolicy(jmessage.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond,
		MaxBackoff: time.Millisecond}))
	ctx := t.Context()

	const n = 10_250
	users := make([]jmessage.NewUser, n)
	badField := make([]string, n)
	var existing []jmessage.NewUser
	invalid := 0
	for i := range users {
		users[i], badField[i] = bulkUser(i)
		if badField[i] != "" {
			invalid++
		} else if i%10 == 3 {
			existing = append(existing, users[i])
		}
	}
	_, err := c.Users.RegisterBulk(ctx, existing, jmessage.BulkOptions{})
	require.NoError(t, err, "registering the existing users")

	srv.FailNext(http.MethodPost, "/v1/users/", 2, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	for run := range 2 {
		results, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{})
		require.Len(t, results, n)
		var bulkErr *jmessage.BulkError
		require.ErrorAs(t, err, &bulkErr)
		assert.Equal(t, invalid, bulkErr.Invalid, "run %d", run)
		assert.Zero(t, bulkErr.Failed, "run %d: the busy calls were retried; users that exist are no failure", run)
		assert.Equal(t, n-invalid, bulkErr.Succeeded())
		assert.Contains(t, err.Error(), sprintf("%d of %d items failed", invalid, n))

		var done, already int
		for i, r := range results {
			_, onServer := srv.User(users[i].Username)
			switch {
			case badField[i] != "":
				var verr *jmessage.ValidationError
				require.ErrorAs(t, r.Err, &verr, "user %d", i)
				assert.Equal(t, sprintf("users[%d].%s", i, badField[i]), verr.Field)
				assert.Equal(t, jmessage.BulkFailed, r.Outcome)
				assert.False(t, onServer, "user %d was never sent", i)
			case run == 1 || i%10 == 3:
				already++
				assert.Equal(t, jmessage.BulkResult{Index: i, Item: users[i].Username, Outcome: jmessage.BulkAlready}, r)
				assert.True(t, onServer)
			default:
				done++
				assert.Equal(t, jmessage.BulkResult{Index: i, Item: users[i].Username, Outcome: jmessage.BulkDone}, r)
				assert.True(t, onServer, "user %d is registered", i)
			}
		}
		if run == 0 {
			assert.Equal(t, len(existing), already)
		} else {
			assert.Zero(t, done, "a re-run finds every user registered")
		}
	}

	names := make([]string, n)
	badNames := 0
	for i, u := range users {
		names[i] = u.Username
		if badField[i] == "username" {
			badNames++
		}
	}
	results, err := c.Users.DeleteBulk(ctx, names, jmessage.BulkOptions{Concurrency: 8})
	require.Len(t, results, n)
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.Equal(t, badNames, bulkErr.Invalid)
	assert.Equal(t, n-badNames, bulkErr.Succeeded(), "only the invalid usernames fail")
	for i, r := range results {
		_, onServer := srv.User(names[i])
		assert.False(t, onServer, "user %d is gone", i)
		if badField[i] == "username" {
			assert.ErrorIs(t, r.Err, jmessage.ErrInvalidArgument)
		} else {
			assert.NoError(t, r.Err, "user %d", i)
		}
	}
}

// TestSensitiveWordsAddBulkAgainstFake fills the fake's quota of 100 words:
// the calls that fit succeed, the one past the quota fails as a whole, and
// the words the server holds are exactly those of the successful calls.
func TestSensitiveWordsAddBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	words := make([]string, 150)
	for i := range words {
		words[i] = sprintf("word%d", i)
	}
	var progress []int
	results, err := c.SensitiveWords.AddBulk(t.Context(), words, jmessage.BulkOptions{ChunkSize: 50, Concurrency: 1,
		Progress: func(done, _ int) { progress = append(progress, done) }})
	require.Len(t, results, len(words))
	assert.Equal(t, []int{50, 100, 150}, progress)
	for i, r := range results {
		if i < 100 {
			assert.NoError(t, r.Err, "word %d", i)
		} else {
			assert.ErrorIs(t, r.Err, jmessage.ErrInvalidParameter, "word %d is over the quota", i)
		}
	}
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.Equal(t, 50, bulkErr.Failed)

	var held []string
	for w, err := range c.SensitiveWords.All(t.Context(), jmessage.ListOptions{}) {
		require.NoError(t, err)
		held = append(held, w.Word)
	}
	assert.ElementsMatch(t, words[:100], held)
}

// registerOnFake registers users named prefix-00000… on srv and returns
// their names.
func registerOnFake(t *testing.T, c *jmessage.Client, prefix string, n int) []string {
	t.Helper()
	names := make([]string, n)
	users := make([]jmessage.NewUser, n)
	for i := range users {
		names[i] = sprintf("%s-%05d", prefix, i)
		users[i] = jmessage.NewUser{Username: names[i], Password: "password"}
	}
	_, err := c.Users.RegisterBulk(t.Context(), users, jmessage.BulkOptions{})
	require.NoError(t, err)
	return names
}

// withBadItems returns names with an invalid username put before every
// 100th name, and whether each item of the result is one of them.
func withBadItems(names []string) (items []string, bad []bool) {
	for i, n := range names {
		if i%100 == 42 {
			items, bad = append(items, "bad name"), append(bad, true)
		}
		items, bad = append(items, n), append(bad, false)
	}
	return items, bad
}

// bulkOutcome is what assertBulkOutcome found: the items done and already
// so, and how many failed with the error wanted.
type bulkOutcome struct {
	done, already map[string]bool
	failed        int
}

// assertBulkOutcome checks results against items: each invalid item refused
// locally under field[i], every other one done, already so, or failed with
// want.
func assertBulkOutcome(t *testing.T, results []jmessage.BulkResult, err error, items []string, bad []bool,
	field string, want error) bulkOutcome {
	t.Helper()
	require.Len(t, results, len(items))
	o := bulkOutcome{done: map[string]bool{}, already: map[string]bool{}}
	invalid := 0
	for i, r := range results {
		require.Equal(t, jmessage.BulkResult{Index: i, Item: items[i], Outcome: r.Outcome, Err: r.Err}, r)
		switch {
		case bad[i]:
			invalid++
			var verr *jmessage.ValidationError
			require.ErrorAs(t, r.Err, &verr, "item %d", i)
			assert.Equal(t, sprintf("%s[%d]", field, i), verr.Field)
			assert.Equal(t, jmessage.BulkFailed, r.Outcome)
		case r.Outcome == jmessage.BulkDone:
			require.NoError(t, r.Err)
			o.done[items[i]] = true
		case r.Outcome == jmessage.BulkAlready:
			require.NoError(t, r.Err)
			o.already[items[i]] = true
		default:
			require.Equal(t, jmessage.BulkFailed, r.Outcome)
			require.ErrorIs(t, r.Err, want, "item %d", i)
			o.failed++
		}
	}
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.Equal(t, invalid, bulkErr.Invalid)
	assert.Equal(t, o.failed, bulkErr.Failed)
	assert.Zero(t, bulkErr.NotAttempted)
	assert.Equal(t, len(o.done)+len(o.already), bulkErr.Succeeded())
	return o
}

// TestChatroomsMembersBulkAgainstFake adds 7,000 users (and one that does
// not exist) to a chatroom in calls of 3000, then removes them, and checks
// the room's members on the server after each step against the results.
func TestChatroomsMembersBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	names := registerOnFake(t, c, "member", 7000)
	owner := registerOnFake(t, c, "owner", 1)[0]
	id, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: owner, Name: "bulk"})
	require.NoError(t, err)
	members := func() map[string]bool {
		room, ok := srv.Chatroom(id)
		require.True(t, ok)
		out := map[string]bool{}
		for _, m := range room.Members {
			out[m.Username] = true
		}
		delete(out, owner)
		return out
	}

	// The ghost lands in the second call of 3000 valid names, which fails
	// as a whole.
	items, bad := withBadItems(slices.Insert(slices.Clone(names), 4500, "ghost-user"))
	results, err := c.Chatrooms.AddMembersBulk(ctx, id, items, jmessage.BulkOptions{})
	add := assertBulkOutcome(t, results, err, items, bad, "usernames", jmessage.ErrUserNotFound)
	assert.Equal(t, jmessage.MaxChatroomMembers, add.failed, "one whole call failed")
	assert.False(t, add.done["ghost-user"])
	assert.Equal(t, add.done, members(), "the room holds exactly the members reported added")

	results, err = c.Chatrooms.RemoveMembersBulk(ctx, id, items, jmessage.BulkOptions{Concurrency: 1})
	remove := assertBulkOutcome(t, results, err, items, bad, "usernames", jmessage.ErrUserNotFound)
	assert.Equal(t, jmessage.MaxChatroomMembers, remove.failed, "the call with the ghost fails again")
	assert.Equal(t, add.done, remove.done, "every member added is removed")
	assert.Empty(t, remove.already)
	assert.Empty(t, members())

	// Removing them again: each is already gone (899082), none failed.
	valid := slices.DeleteFunc(slices.Clone(items), func(s string) bool { return s == "bad name" || s == "ghost-user" })
	results, err = c.Chatrooms.RemoveMembersBulk(ctx, id, valid, jmessage.BulkOptions{})
	require.NoError(t, err)
	for i, r := range results {
		assert.Equal(t, jmessage.BulkAlready, r.Outcome, "item %d", i)
	}
}

// TestGroupsMembersBulkAgainstFake fills a group of the fake (500 members,
// the owner included) in calls of 200, one after another: the calls that
// fit succeed, those that would overflow fail as a whole with
// ErrGroupFull, and a last short call that fits succeeds again.
func TestGroupsMembersBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	names := registerOnFake(t, c, "member", 1290) // 6 calls of 200, one of 90
	owner := registerOnFake(t, c, "owner", 1)[0]
	group, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: owner, Name: "bulk"})
	require.NoError(t, err)
	members := func() []string {
		g, ok := srv.Group(group.GID)
		require.True(t, ok)
		var out []string
		for _, m := range g.Members {
			if m.Username != owner {
				out = append(out, m.Username)
			}
		}
		return out
	}

	items, bad := withBadItems(names)
	var progress []int
	results, err := c.Groups.AddMembersBulk(ctx, group.GID, items, jmessage.BulkOptions{ChunkSize: 200, Concurrency: 1,
		Progress: func(done, _ int) { progress = append(progress, done) }})
	add := assertBulkOutcome(t, results, err, items, bad, "usernames", jmessage.ErrGroupFull)
	assert.Equal(t, 800, add.failed, "calls 3 to 6 overflow the group")
	want := slices.Concat(names[:400], names[1200:])
	assert.Equal(t, want, members(), "the group holds the users of calls 1, 2 and 7, in order")
	assert.Len(t, add.done, len(want))
	require.Len(t, progress, 7)
	assert.Equal(t, len(items), progress[6])

	// Adding them all again: the members are already so (899011), the
	// others still overflow the group.
	results, err = c.Groups.AddMembersBulk(ctx, group.GID, items, jmessage.BulkOptions{ChunkSize: 200})
	again := assertBulkOutcome(t, results, err, items, bad, "usernames", jmessage.ErrGroupFull)
	assert.Equal(t, add.done, again.already)
	assert.Empty(t, again.done)
	assert.Equal(t, 800, again.failed)

	results, err = c.Groups.RemoveMembersBulk(ctx, group.GID, items, jmessage.BulkOptions{ChunkSize: 200})
	remove := assertBulkOutcome(t, results, err, items, bad, "usernames", jmessage.ErrUserNotInGroup)
	assert.Zero(t, remove.failed)
	assert.Len(t, remove.already, 800, "the users never added are not in the group: already so (899014)")
	assert.Equal(t, add.done, remove.done)
	assert.Empty(t, members())
}

// TestFriendsBulkAgainstFake befriends 1,100 users (and one that does not
// exist) in calls of 500, then removes them, checking the friends the
// server holds on both sides against the results.
func TestFriendsBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	names := registerOnFake(t, c, "friend", 1100)
	owner := registerOnFake(t, c, "owner", 1)[0]
	friends := func() map[string]bool {
		u, ok := srv.User(owner)
		require.True(t, ok)
		out := map[string]bool{}
		for _, f := range u.Friends {
			out[f.Username] = true
		}
		return out
	}

	items, bad := withBadItems(slices.Insert(slices.Clone(names), 700, "ghost-user"))
	results, err := c.Friends.AddBulk(ctx, owner, items, jmessage.BulkOptions{})
	add := assertBulkOutcome(t, results, err, items, bad, "friends", jmessage.ErrUserNotFound)
	assert.Equal(t, jmessage.MaxFriendsBatch, add.failed, "the call with the ghost fails as a whole")
	assert.Equal(t, add.done, friends())
	for name := range add.done {
		u, _ := srv.User(name)
		require.Len(t, u.Friends, 1, "friendship is mutual: %s", name)
		assert.Equal(t, owner, u.Friends[0].Username)
	}

	results, err = c.Friends.RemoveBulk(ctx, owner, items, jmessage.BulkOptions{Concurrency: 2})
	remove := assertBulkOutcome(t, results, err, items, bad, "friends", jmessage.ErrUserNotFound)
	assert.Equal(t, jmessage.MaxFriendsBatch, remove.failed)
	assert.Equal(t, add.done, remove.done)
	assert.Empty(t, friends())
}

// TestRegisterBulkCancelledAgainstFake cancels an import of 10,250 users
// (some invalid, some existing) once 3,000 are settled: no call starts
// after that, every user never sent matches ErrNotAttempted and is not on
// the server, every user reported registered is on it.
func TestRegisterBulkCancelledAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	const n, conc = 10_250, 4
	users := make([]jmessage.NewUser, n)
	badField := make([]string, n)
	var existing []jmessage.NewUser
	for i := range users {
		users[i], badField[i] = bulkUser(i)
		if badField[i] == "" && i%10 == 3 {
			existing = append(existing, users[i])
		}
	}
	_, err := c.Users.RegisterBulk(t.Context(), existing, jmessage.BulkOptions{})
	require.NoError(t, err)
	srv.SetLatency(5 * time.Millisecond) // so that calls are in flight when cancel comes

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	settledAtCancel := 0
	results, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{Concurrency: conc,
		Progress: func(done, _ int) {
			if done >= 3000 && settledAtCancel == 0 {
				settledAtCancel = done
				cancel()
			}
		}})
	require.Len(t, results, n)
	require.NotZero(t, settledAtCancel)
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)
	assert.ErrorIs(t, err, context.Canceled)

	var notAttempted, registered, cut int
	for i, r := range results {
		_, onServer := srv.User(users[i].Username)
		switch {
		case badField[i] != "":
			assert.ErrorIs(t, r.Err, jmessage.ErrInvalidArgument, "user %d", i)
		case errorsIs(r.Err, jmessage.ErrNotAttempted):
			notAttempted++
			assert.ErrorIs(t, r.Err, context.Canceled)
			assert.Equal(t, i%10 == 3, onServer, "user %d was never sent", i)
		case errorsIs(r.Err, context.Canceled): // in flight when cancelled: applied or not
			cut++
		case i%10 == 3:
			assert.Equal(t, jmessage.BulkAlready, r.Outcome, "user %d", i)
		default:
			require.NoError(t, r.Err, "user %d", i)
			require.Equal(t, jmessage.BulkDone, r.Outcome, "user %d", i)
			registered++
			assert.True(t, onServer, "user %d is registered", i)
		}
	}
	assert.Equal(t, bulkErr.NotAttempted, notAttempted)
	assert.LessOrEqual(t, cut, conc*jmessage.MaxRegisterBatch, "only calls in flight are cut off")
	// When cancel ran, at most conc calls had started and not settled:
	// every other user still to do is never sent.
	assert.GreaterOrEqual(t, notAttempted, n-settledAtCancel-conc*jmessage.MaxRegisterBatch)
	assert.Positive(t, registered)
	t.Logf("cancelled at %d settled: %d not attempted, %d cut off in flight", settledAtCancel, notAttempted, cut)
}

// TestBlacklistBulkAgainstFake blacklists 700 users, some blacklisted
// already, then unblacklists them twice: the fake refuses a whole call
// that holds one user already so (899017, 899019), and each user's result
// says which it was.
func TestBlacklistBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	names := registerOnFake(t, c, "other", 700)
	owner := registerOnFake(t, c, "owner", 1)[0]
	blacklist := func() []string {
		got, _, err := c.Users.Blacklist(ctx, owner)
		require.NoError(t, err)
		var out []string
		for _, u := range got {
			out = append(out, u.Username)
		}
		slices.Sort(out)
		return out
	}
	before := []string{names[3], names[250], names[699]}
	_, err := c.Users.AddToBlacklist(ctx, owner, before)
	require.NoError(t, err)

	outcomes := func(results []jmessage.BulkResult) map[jmessage.BulkOutcome][]string {
		out := map[jmessage.BulkOutcome][]string{}
		for _, r := range results {
			require.NoError(t, r.Err)
			out[r.Outcome] = append(out[r.Outcome], r.Item)
		}
		return out
	}
	results, err := c.Users.AddToBlacklistBulk(ctx, owner, names, jmessage.BulkOptions{})
	require.NoError(t, err)
	got := outcomes(results)
	assert.Equal(t, before, got[jmessage.BulkAlready])
	assert.Len(t, got[jmessage.BulkDone], len(names)-len(before))
	assert.Equal(t, names, blacklist())

	results, err = c.Users.RemoveFromBlacklistBulk(ctx, owner, names[:400], jmessage.BulkOptions{})
	require.NoError(t, err)
	assert.Len(t, outcomes(results)[jmessage.BulkDone], 400)
	results, err = c.Users.RemoveFromBlacklistBulk(ctx, owner, names, jmessage.BulkOptions{})
	require.NoError(t, err)
	got = outcomes(results)
	assert.Equal(t, names[:400], got[jmessage.BulkAlready], "removed before: already so")
	assert.Equal(t, names[400:], got[jmessage.BulkDone])
	assert.Empty(t, blacklist())
}
