package jmessage_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// TestBulkAgainstFake imports 10,250 users into the fake server, some of
// them invalid, some already registered, with one register call failing
// with 503, then deletes them all, and checks each user's fate on the
// server itself.
func TestBulkAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()

	const n = 10_250
	users := make([]jmessage.NewUser, n)
	badField := make([]string, n)
	var existing []jmessage.NewUser
	for i := range users {
		users[i], badField[i] = bulkUser(i)
		if badField[i] == "" && i%10 == 3 {
			existing = append(existing, users[i])
		}
	}
	_, err := c.Users.RegisterAll(ctx, existing, jmessage.BulkOptions{})
	require.NoError(t, err, "registering the existing users")

	srv.FailNext(http.MethodPost, "/v1/users/", 1, http.StatusServiceUnavailable, int(jmessage.ErrServerBusy))
	results, err := c.Users.RegisterAll(ctx, users, jmessage.BulkOptions{})
	require.Len(t, results, n)
	var bulkErr *jmessage.BulkError
	require.ErrorAs(t, err, &bulkErr)

	var busy, exists, invalid int
	for i, r := range results {
		name := users[i].Username
		_, onServer := srv.User(name)
		switch {
		case badField[i] != "":
			invalid++
			var verr *jmessage.ValidationError
			require.ErrorAs(t, r.Err, &verr, "user %d", i)
			assert.Equal(t, sprintf("users[%d].%s", i, badField[i]), verr.Field)
			assert.False(t, onServer, "user %d was never sent", i)
		case errorsIs(r.Err, jmessage.ErrServerBusy):
			busy++
			assert.Equal(t, i%10 == 3, onServer, "user %d of the failed call is registered only if it existed", i)
		case i%10 == 3:
			exists++
			assert.ErrorIs(t, r.Err, jmessage.ErrUserExists, "user %d", i)
			assert.True(t, onServer)
		default:
			assert.NoError(t, r.Err, "user %d", i)
			assert.True(t, onServer, "user %d is registered", i)
		}
	}
	assert.Equal(t, jmessage.MaxRegisterBatch, busy, "exactly one call failed")
	assert.Equal(t, bulkErr.Invalid, invalid)
	assert.Equal(t, busy+exists, bulkErr.Failed)
	assert.Zero(t, bulkErr.NotAttempted)

	names := make([]string, n)
	badNames := 0
	for i, u := range users {
		names[i] = u.Username
		if badField[i] == "username" {
			badNames++
		}
	}
	results, err = c.Users.DeleteAll(ctx, names, jmessage.BulkOptions{Concurrency: 8})
	require.Len(t, results, n)
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

// TestSensitiveWordsAddAllAgainstFake fills the fake's quota of 100 words:
// the calls that fit succeed, the one past the quota fails as a whole, and
// the words the server holds are exactly those of the successful calls.
func TestSensitiveWordsAddAllAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	words := make([]string, 150)
	for i := range words {
		words[i] = sprintf("word%d", i)
	}
	var progress []int
	results, err := c.SensitiveWords.AddAll(t.Context(), words, jmessage.BulkOptions{ChunkSize: 50, Concurrency: 1,
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
