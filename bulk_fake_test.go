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
