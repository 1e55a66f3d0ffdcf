package jmessagetest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// TestGoldenRequests sends the SDK's golden request bodies (the exact bytes
// its unit tests require the SDK to send) to the fake, which must accept
// them: the SDK, its goldens and the fake cannot drift apart. The answers'
// shapes are checked against the golden responses in each area's tests.
func TestGoldenRequests(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "javen", "USER1", "USER2", "test1", "test2", "username1", "username2")
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "fang", Password: "password"})
	require.NoError(t, err)

	for _, tt := range []struct {
		golden, method, path string
		// status is the success status; 0 means the fake cannot be arranged
		// to accept the body yet (a group it references does not exist),
		// and the body need only be understood: no 899003.
		status int
	}{
		{"users_register.request.json", "POST", "/v1/users/", http.StatusCreated},
		{"users_update.request.json", "PUT", "/v1/users/javen", http.StatusNoContent},
		{"users_update_password.request.json", "PUT", "/v1/users/javen/password", http.StatusNoContent},
		{"users_stat_batch.request.json", "POST", "/v1/users/userstat", http.StatusOK},
		{"users_stat_batch_v2.request.json", "POST", "/v2/users/statuser", http.StatusOK},
		{"users_blacklist_add.request.json", "PUT", "/v1/users/javen/blacklist", http.StatusNoContent},
		{"users_blacklist_remove.request.json", "DELETE", "/v1/users/javen/blacklist", http.StatusNoContent},
		{"users_nodisturb.request.json", "POST", "/v1/users/javen/nodisturb", 0},
		{"admins_register.request.json", "POST", "/v1/admins/", http.StatusCreated},
		{"messages_send.request.json", "POST", "/v1/messages", http.StatusCreated},
		{"sensitive_add.request.json", "POST", "/v1/sensitiveword", http.StatusNoContent},
		{"sensitive_update.request.json", "PUT", "/v1/sensitiveword", http.StatusNoContent},
		{"sensitive_delete.request.json", "DELETE", "/v1/sensitiveword", http.StatusNoContent},
		{"users_delete_batch.request.json", "DELETE", "/v1/users/", http.StatusOK},
	} {
		status, _, body := raw(t, srv, tt.method, tt.path, basic(srv), "application/json; charset=utf-8",
			string(golden(t, tt.golden)))
		if tt.status != 0 {
			assert.Equal(t, tt.status, status, "%s: %s", tt.golden, body)
			continue
		}
		var env struct {
			Error struct{ Code int } `json:"error"`
		}
		_ = json.Unmarshal(body, &env)
		assert.NotEqual(t, 899003, env.Error.Code, "%s: %s", tt.golden, body)
		assert.Less(t, status, 500, "%s: %s", tt.golden, body)
	}
}
