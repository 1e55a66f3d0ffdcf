package jmessagetest_test

import (
	"net/http"
	"strconv"
	"strings"
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
	// The no-disturb golden names groups by fixed gids no server hands out:
	// two groups of javen's take their place, the second with no-disturb on.
	gids := goldenGIDs{newGroup(t, c, "javen"), newGroup(t, c, "javen")}
	// The golden also turns global no-disturb off: it must be on.
	_, err = c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{gids.second}},
		Global: jmessage.Ptr(true)})
	require.NoError(t, err)

	for _, tt := range []struct {
		golden, method, path string
		status               int // the success status
	}{
		{"users_register.request.json", "POST", "/v1/users/", http.StatusCreated},
		{"users_update.request.json", "PUT", "/v1/users/javen", http.StatusNoContent},
		{"users_update_password.request.json", "PUT", "/v1/users/javen/password", http.StatusNoContent},
		{"users_stat_batch.request.json", "POST", "/v1/users/userstat", http.StatusOK},
		{"users_stat_batch_v2.request.json", "POST", "/v2/users/statuser", http.StatusOK},
		{"users_blacklist_add.request.json", "PUT", "/v1/users/javen/blacklist", http.StatusNoContent},
		{"users_blacklist_remove.request.json", "DELETE", "/v1/users/javen/blacklist", http.StatusNoContent},
		{"users_nodisturb.request.json", "POST", "/v1/users/javen/nodisturb", http.StatusNoContent},
		{"admins_register.request.json", "POST", "/v1/admins/", http.StatusCreated},
		{"messages_send.request.json", "POST", "/v1/messages", http.StatusCreated},
		{"sensitive_add.request.json", "POST", "/v1/sensitiveword", http.StatusNoContent},
		{"sensitive_update.request.json", "PUT", "/v1/sensitiveword", http.StatusNoContent},
		{"sensitive_delete.request.json", "DELETE", "/v1/sensitiveword", http.StatusNoContent},
		{"users_delete_batch.request.json", "DELETE", "/v1/users/", http.StatusOK},
	} {
		status, _, body := raw(t, srv, tt.method, tt.path, basic(srv), "application/json; charset=utf-8",
			gids.replace(string(golden(t, tt.golden))))
		assert.Equal(t, tt.status, status, "%s: %s", tt.golden, body)
	}
	u, _ := srv.User("javen")
	assert.Equal(t, []int64{gids.first}, u.NoDisturbGroups, "the golden added the first and removed the second")
}

// goldenGIDs stands for the fixed gids of the golden no-disturb and shield
// requests (110000101 added, 1000001111 removed).
type goldenGIDs struct{ first, second int64 }

// replace puts the gids in place of the golden's in body.
func (g goldenGIDs) replace(body string) string {
	return strings.NewReplacer("110000101", strconv.FormatInt(g.first, 10), "1000001111", strconv.FormatInt(g.second, 10)).Replace(body)
}
