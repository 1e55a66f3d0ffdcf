package jmessagetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// specOp is one operation of the shared spec/endpoints.json.
type specOp struct {
	ID       string          `json:"id"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Query    []string        `json:"query"`
	Body     json.RawMessage `json:"body"`
	Status   int             `json:"success_status"`
	Response json.RawMessage `json:"response"`
}

// hasResponse reports whether the spec shows a response body.
func (op specOp) hasResponse() bool {
	return len(op.Response) > 0 && !bytes.Equal(op.Response, []byte("null"))
}

// adminOps are the two admin operations every vendor client has but the
// vendor document (and so endpoints.json) lacks; WIRE-NOTES describes them.
var adminOps = []specOp{
	{ID: "admins_register", Method: "POST", Path: "/v1/admins/", Body: json.RawMessage(`{"username":"admin_2","password":"password"}`),
		Status: http.StatusCreated},
	{ID: "admins_list", Method: "GET", Path: "/v1/admins/", Query: []string{"start", "count"}, Status: http.StatusOK,
		Response: json.RawMessage(`{}`)},
}

// specFile finds shared/spec/endpoints.json beside the repository (CI
// checks shared/ out next to it) or beside one of its parents (a git
// worktree under a directory next to shared/).
func specFile(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..") // the repository root
	require.NoError(t, err)
	var tried []string
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "spec", "endpoints.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		tried = append(tried, p)
		if filepath.Dir(dir) == dir {
			break
		}
	}
	t.Fatalf("the API spec endpoints.json is missing: the fake is checked against every operation it lists, "+
		"so check out shared/ beside the repository; looked for %s", strings.Join(tried, ", "))
	return ""
}

// loadSpec reads the 65 operations of endpoints.json.
func loadSpec(t testing.TB) []specOp {
	t.Helper()
	b, err := os.ReadFile(specFile(t))
	require.NoError(t, err)
	var ops []specOp
	require.NoError(t, json.Unmarshal(b, &ops))
	require.Len(t, ops, 65, "endpoints.json lists the 65 operations of the vendor document")
	seen := map[string]bool{}
	for _, op := range ops {
		require.False(t, seen[op.ID], "duplicate id %s", op.ID)
		seen[op.ID] = true
	}
	return ops
}

// specUser is the {username} of every path: a name with '.', '@' and '-',
// which a client must escape and the server must read back.
const specUser = "javen.dev@example-1.com"

// specWorld is a server arranged so that the example of every operation
// of endpoints.json makes sense: the users, groups, chatrooms, words,
// message and media its bodies and paths name exist, in two apps (the
// examples' cross-app key is goldenAppKey).
type specWorld struct {
	srv         *jmessagetest.Server
	c, o        *jmessage.Client // clients of the primary and the other app
	gid, gid2   int64            // groups of the primary app
	ogid, ogid2 int64            // groups of the other app
	room        int64
	msgID       int64
	mediaID     string
}

func newSpecWorld(t *testing.T) *specWorld {
	t.Helper()
	srv, c, o := newCrossFake(t)
	ctx := t.Context()
	w := &specWorld{srv: srv, c: c, o: o}
	profiled(t, c, specUser, "javen", "USER1", "USER2", "test1", "test2", "test3", "test4", "username1", "username2",
		"user01", "user02", "user1", "user2", "liming", "135380113231", "tom01", "eddie", "annie")
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "fang", Password: "password"})
	require.NoError(t, err)
	profiled(t, o, "test1", "test2", "name3", "name4", "new_owner", "user01", "user02", "username1", "username2")

	w.gid = newGroup(t, c, "tom01", "eddie", "annie", "test3", "test4", "username1", "username2", specUser)
	_, err = c.Cross.UpdateGroupMembers(ctx, w.gid, []jmessage.CrossMemberChanges{
		{AppKey: goldenAppKey, Add: []string{"name3", "name4", "new_owner"}}})
	require.NoError(t, err)
	w.gid2 = newGroup(t, c, "tom01", specUser)
	w.ogid, w.ogid2 = newGroup(t, o, "test1", "username1"), newGroup(t, o, "test1", "username2")
	joinGroup(t, o, w.ogid, srv.AppKey(), specUser) // no-disturb takes groups the user is in
	joinGroup(t, o, w.ogid2, srv.AppKey(), specUser)

	w.room, _, err = c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "room",
		Members: []string{"135380113231", "user1", "user2", specUser}})
	require.NoError(t, err)
	_, err = c.Cross.UpdateChatroomMembers(ctx, w.room, []jmessage.CrossMemberChanges{
		{AppKey: goldenAppKey, Add: []string{"name3", "name4"}}})
	require.NoError(t, err)
	second, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "second room"})
	require.NoError(t, err)
	require.Equal(t, []int64{10000001, 10000002}, []int64{w.room, second}, "the ids the chatroom_get_batch example names")

	_, err = c.SensitiveWords.Add(ctx, []string{"FUCK"})
	require.NoError(t, err)
	sent, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser(specUser), To: jmessage.ToUser("javen"),
		Body: jmessage.Text{Text: "to retract"}})
	require.NoError(t, err)
	w.msgID = sent.MsgID
	m, _, err := c.Resources.Upload(ctx, jmessage.MediaImage, "a.png", bytes.NewReader(picture(t, "png", 720, 1280)))
	require.NoError(t, err)
	w.mediaID = m.MediaID()
	return w
}

// arrange prepares the world for the operations whose example needs more
// than newSpecWorld arranges, and returns what to replace in the example's
// body: the fixed gids 110000101 and 1000001111, which no server hands
// out, and the owner "tom" of groups_create, which breaks the username
// rule (4–128 bytes; the SDK's golden request says "tom01").
func (w *specWorld) arrange(t *testing.T, id string) map[string]string {
	t.Helper()
	ctx := t.Context()
	var err error
	var fix map[string]string
	gids := func(a, b int64) map[string]string {
		return map[string]string{"110000101": strconv.FormatInt(a, 10), "1000001111": strconv.FormatInt(b, 10)}
	}
	switch id {
	case "groups_create":
		fix = map[string]string{`"tom"`: `"tom01"`}
	case "users_blacklist_remove":
		_, err = w.c.Users.AddToBlacklist(ctx, specUser, []string{"test1", "test2"})
	case "cross_blacklist_remove":
		_, err = w.c.Cross.AddToBlacklist(ctx, specUser, []jmessage.CrossUsernames{
			{AppKey: goldenAppKey, Usernames: []string{"test1", "test2"}}})
	case "users_nodisturb":
		// The example turns global no-disturb off: it must be on.
		_, err = w.c.Users.SetNoDisturb(ctx, specUser, jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{w.gid2}},
			Global: jmessage.Ptr(true)})
		fix = gids(w.gid, w.gid2)
	case "cross_nodisturb":
		_, err = w.c.Cross.SetNoDisturb(ctx, specUser, []jmessage.CrossNoDisturb{
			{AppKey: goldenAppKey, Group: &jmessage.GroupIDChanges{Add: []int64{w.ogid2}}}})
		fix = gids(w.ogid, w.ogid2)
	case "users_groups_shield":
		_, err = w.c.Groups.SetShield(ctx, specUser, jmessage.GroupIDChanges{Add: []int64{w.gid2}})
		fix = gids(w.gid, w.gid2)
	case "groups_members_remove_v2":
		_, err = w.c.Groups.AddMembers(ctx, w.gid, []string{"test1", "test2"})
	case "friends_remove", "friends_update_note":
		_, err = w.c.Friends.Add(ctx, specUser, []string{"user01", "user02"})
	case "cross_friends_remove", "cross_friends_update_note":
		_, err = w.c.Cross.AddFriends(ctx, specUser, jmessage.CrossUsernames{AppKey: goldenAppKey, Usernames: []string{"user01", "user02"}})
	case "chatroom_members_add": // the world's room holds them, for chatroom_members_remove
		_, err = w.c.Chatrooms.RemoveMembers(ctx, w.room, []string{"user1", "user2"})
	case "sensitive_delete":
		_, err = w.c.SensitiveWords.Add(ctx, []string{"fuck"})
	}
	require.NoError(t, err, "arranging %s", id)
	return fix
}

// request builds op's example request: path values and query parameters
// from the world, the body of endpoints.json (with fix applied), or for an
// upload a multipart PNG.
func (w *specWorld) request(t *testing.T, op specOp, fix map[string]string) *http.Request {
	t.Helper()
	path := strings.NewReplacer("{username}", url.PathEscape(specUser), "{gid}", strconv.FormatInt(w.gid, 10),
		"{room_id}", strconv.FormatInt(w.room, 10), "{msgid}", strconv.FormatInt(w.msgID, 10)).Replace(op.Path)
	require.NotContains(t, path, "{", "%s: a path value the test does not know", op.ID)
	q := url.Values{}
	for _, name := range op.Query {
		switch name {
		case "start":
			q.Set(name, "0")
		case "count":
			q.Set(name, "10")
		case "disable":
			q.Set(name, "true")
		case "status":
			q.Set(name, "1")
			if strings.HasSuffix(op.Path, "/silence") {
				q.Set(name, "true") // group silence takes literal true/false
			}
		case "mediaId":
			q.Set(name, w.mediaID)
		case "type":
			q.Set(name, "image")
		default:
			t.Fatalf("%s: a query parameter the test does not know: %s", op.ID, name)
		}
	}
	target := w.srv.URL() + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var body []byte
	contentType := ""
	switch {
	case op.ID == "resource_upload":
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		part, err := mw.CreateFormFile("filename", "a.png")
		require.NoError(t, err)
		_, err = part.Write(picture(t, "png", 3, 2))
		require.NoError(t, err)
		require.NoError(t, mw.Close())
		body, contentType = b.Bytes(), mw.FormDataContentType()
	case len(op.Body) > 0 && !bytes.Equal(op.Body, []byte("null")):
		s := string(op.Body)
		for from, to := range fix {
			require.Contains(t, s, from, "%s: the example has what the test replaces", op.ID)
			s = strings.ReplaceAll(s, from, to)
		}
		body, contentType = []byte(s), "application/json; charset=utf-8"
	}
	req, err := http.NewRequestWithContext(t.Context(), op.Method, target, bytes.NewReader(body))
	require.NoError(t, err)
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.Header.Set("Authorization", basic(w.srv))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// TestEveryOperationOfTheSpec sends the example of every operation of
// endpoints.json (and the two admin operations), on the exact wire the
// spec shows (method, path, query names, body), to a server arranged for
// it: each must succeed with the spec's status, answer a body exactly when
// the spec shows one, and answer only keys the SDK's golden response for
// that operation knows, with the same JSON kinds (a user object may have
// every field of the document's User object). A new operation in the
// spec fails here until the fake serves it.
func TestEveryOperationOfTheSpec(t *testing.T) {
	t.Parallel()
	ops := append(loadSpec(t), adminOps...)
	user := documentedUser(t)
	for _, op := range ops {
		t.Run(op.ID, func(t *testing.T) {
			t.Parallel()
			w := newSpecWorld(t)
			req := w.request(t, op, w.arrange(t, op.ID))
			status, header, body := do(t, req)
			require.Equal(t, op.Status, status, "%s %s: %s", op.Method, req.URL.Path, body)
			if !op.hasResponse() {
				assert.Empty(t, body, "the spec shows no answer")
				return
			}
			require.NotEmpty(t, body, "the spec shows an answer")
			assert.True(t, strings.HasPrefix(header.Get("Content-Type"), "application/json"), header.Get("Content-Type"))
			goldenName := op.ID + ".response.json"
			if _, err := os.Stat(filepath.Join("..", "testdata", goldenName)); err != nil {
				t.Fatalf("no golden response testdata/%s for %s", goldenName, op.ID)
			}
			var got, want any
			require.NoError(t, decodeNumbers(body, &got), "%s", body)
			require.NoError(t, decodeNumbers(golden(t, goldenName), &want))
			assert.Empty(t, unknownKeys("", got, withUserKeys(want, user)), "keys or kinds the golden response does not have: %s", body)
			assert.NotContains(t, string(body), `"password"`, "no answer carries a password")
		})
	}
}

func decodeNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// documentedUser is the User object of the vendor document's field table
// ("User 对象字段总览"): each field it lists, with the JSON kind the get-user
// example answers it with, or a string for a field the example leaves out
// (appkey, password).
func documentedUser(t *testing.T) map[string]any {
	t.Helper()
	var user map[string]any
	require.NoError(t, decodeNumbers(golden(t, "users_get.response.json"), &user))
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(specFile(t)), "jmessage-im-rest-api.zh.txt"))
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(doc), "User 对象字段总览\n")
	require.True(t, ok, "the vendor document has the User object's field table")
	fields := 0
	for _, line := range strings.Split(table, "\n")[2:] { // after the header and its rule
		name, _, ok := strings.Cut(line, " | ")
		if !ok {
			break
		}
		fields++
		if _, ok := user[name]; !ok {
			user[name] = ""
		}
	}
	require.Greater(t, fields, 10, "the User object's fields are read from the document")
	return user
}

// withUserKeys returns v with the keys of user added to every user object
// in it (one with username, ctime and mtime): a user's other keys are
// answered when set (WIRE-NOTES), so a golden list of users with nicknames
// only does not say the fake may not answer their other profile keys.
func withUserKeys(v any, user map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = withUserKeys(e, user)
		}
		if _, ok := x["username"]; ok && x["ctime"] != nil && x["mtime"] != nil {
			for k, e := range user {
				if _, ok := out[k]; !ok {
					out[k] = e
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withUserKeys(e, user)
		}
		return out
	}
	return v
}

// unknownKeys lists the places where got has a key want lacks, or a value
// of another JSON kind; arrays compare their first elements.
func unknownKeys(at string, got, want any) []string {
	switch g := got.(type) {
	case map[string]any:
		w, ok := want.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: an object, not %s", at, shapeOf(want))}
		}
		var out []string
		for k, v := range g {
			wv, ok := w[k]
			if !ok {
				out = append(out, at+"."+k)
				continue
			}
			out = append(out, unknownKeys(at+"."+k, v, wv)...)
		}
		return out
	case []any:
		w, ok := want.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: an array, not %s", at, shapeOf(want))}
		}
		if len(g) == 0 || len(w) == 0 {
			return nil
		}
		return unknownKeys(at+"[0]", g[0], w[0])
	default:
		if shapeOf(got) != shapeOf(want) {
			return []string{fmt.Sprintf("%s: %s, not %s", at, shapeOf(got), shapeOf(want))}
		}
		return nil
	}
}

// TestUnknownKeys checks the comparison the spec test relies on.
func TestUnknownKeys(t *testing.T) {
	t.Parallel()
	var want any
	require.NoError(t, decodeNumbers([]byte(`{"a":1,"b":[{"c":"x"}],"d":{"e":true}}`), &want))
	for body, bad := range map[string][]string{
		`{"a":2}`:                   nil,
		`{"b":[]}`:                  nil,
		`{"b":[{"c":"y"}],"d":{}}`:  nil,
		`{"z":1}`:                   {".z"},
		`{"a":"1"}`:                 {".a: string, not number"},
		`{"b":[{"c":1}]}`:           {".b[0].c: number, not string"},
		`{"d":{"e":true,"f":null}}`: {".d.f"},
		`[1]`:                       {": an array, not {a:number,b:[{c:string}],d:{e:bool}}"},
	} {
		var got any
		require.NoError(t, decodeNumbers([]byte(body), &got))
		assert.Equal(t, bad, unknownKeys("", got, want), body)
	}

	var users any
	require.NoError(t, decodeNumbers([]byte(`[{"username":"a","ctime":"","mtime":"","nickname":"n"}]`), &users))
	extended := withUserKeys(users, map[string]any{"gender": json.Number("1"), "username": "x"})
	assert.Equal(t, []any{map[string]any{"username": "a", "ctime": "", "mtime": "", "nickname": "n", "gender": json.Number("1")}},
		extended)
	assert.Equal(t, map[string]any{"gid": "1"}, withUserKeys(map[string]any{"gid": "1"}, map[string]any{"gender": 1}),
		"only user objects")
}
