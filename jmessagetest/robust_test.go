package jmessagetest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage/jmessagetest"
)

// hostileBodies are request bodies a broken or malicious client might
// send: wrong JSON types, nulls where values belong, huge or fractional
// numbers, invalid UTF-8, truncated and deeply nested JSON.
var hostileBodies = []string{
	"", "null", "{}", "[]", "[null]", "[[]]", "[{}]", `"text"`, "0", "-1", "1e999", "[1e999]", "[-1]", "[0]", "[1.5]",
	"[9223372036854775808]", `[""]`, `["a","a"]`, `{"a":`, "\xff\xfe\xfd", `["\ud800"]`,
	`[{"appkey":null}]`, `[{"appkey":"4f7aef34fb361292c566a1cd"}]`, `[{"appkey":"4f7aef34fb361292c566a1cd","add":[],"remove":[]}]`,
	`[{"appkey":"4f7aef34fb361292c566a1cd","add":[null],"usernames":null,"single":{},"group":{"add":[-1]}}]`,
	`{"single":null,"group":null,"global":null}`, `{"single":{"add":[null]},"group":{"add":[1.5]},"global":7}`,
	`{"add":[],"remove":[]}`, `{"add":[0,-1],"remove":[9223372036854775807]}`,
	`{"username":null,"password":null,"appkey":null,"new_password":null}`, `{"new_word":null,"old_word":"","word":null}`,
	`{"owner_username":"","name":"","members_username":null,"flag":0,"description":null}`,
	`{"version":1,"target_type":"group","target_id":"-1","from_type":"user","from_id":"javen","msg_type":"text","msg_body":null}`,
	`{"version":1,"target_type":"chatroom","target_id":"9223372036854775808","from_type":"admin","from_id":"fang","msg_type":"image","msg_body":{"media_id":"x","media_crc32":1e999,"width":-1,"height":"1","format":"png","fsize":null}}`,
	`{"version":1,"target_type":"single","target_id":"javen","from_type":"user","from_id":"javen","msg_type":"text","msg_body":{"text":null,"extras":[]}}`,
	`[{"username":"user01","note_name":null,"others":null,"appkey":null}]`,
	`{"appkey":"4f7aef34fb361292c566a1cd","users":null}`, `[10000001,-1,0,9223372036854775807]`,
}

// bigBodies are large or deeply nested hostile bodies; they take the
// same path through every JSON operation, so a few operations get them.
var bigBodies = []string{
	strings.Repeat("[", 20000), strings.Repeat(`{"a":`, 5000), `[` + strings.Repeat(`"user1",`, 5000) + `"user1"]`,
	`"` + strings.Repeat("x", 1<<20) + `"`, strings.Repeat(" ", 9<<20) + "[]",
}

// bigBodyOps are the operations that get bigBodies: each kind of body
// (array of names, object, array of objects, ids, a message).
var bigBodyOps = map[string]bool{"users_register": true, "users_stat_batch_v2": true, "messages_send": true,
	"groups_silence": true, "cross_nodisturb": true, "chatroom_members_add": true, "chatroom_get_batch": true,
	"users_update": true}

// hostileTargets are paths and queries with ids that do not parse,
// overflow or name nothing, and parameters out of range.
var hostileTargets = []string{
	"/", "/v1/users/%00", "/v1/users/" + strings.Repeat("a", 10000), "/v1/users/..", "/v1/users/a%2Fb/blacklist",
	"/v1/groups/0", "/v1/groups/-1", "/v1/groups/99999999999999999999", "/v1/groups/1e3/members/",
	"/v1/messages/javen/NaN/retract", "/v1/messages/javen/-5/retract", "/v1/messages/javen/99999999999999999999/retract",
	"/v1/chatroom/0x10/members?start=0&count=1", "/v1/resource?mediaId=%00", "/v1/resource?type=image",
	"/media/../../etc/passwd", "/media/qiniu/image/x?e=abc&token=", "/media/qiniu/image/x?e=99999999999999999999&token=x",
	"/v1/users/?start=99999999999999999999&count=1", "/v1/users/?start=9223372036854775807&count=500",
	"/v1/chatroom/?start=9223372036854775807&count=2147483647", "/v1/chatroom/10000001/members?start=2147483647&count=2147483647",
	"/v1/sensitiveword?start=0&count=2001", "/v1/users/javen/forbidden?disable=", "/v1/sensitiveword/status?status=2",
	"/v1/groups/messages/10000001/silence?status=1", "/v1/chatroom/10000001/forbidden/javen?status=true",
	"/v2/groups/10000001/addMembers", "/v1/cross/groups/10000001/members/", "/v1/admins/?start=-1&count=0",
}

// checkAnswer asserts that the server answered a hostile request as an
// API does: no 5xx, and an error envelope (or register's per-user items)
// with every 4xx.
func checkAnswer(t testing.TB, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	require.Less(t, rec.Code, 500, "%s: %s", what, rec.Body.Bytes())
	if rec.Code < 400 || rec.Code == http.StatusNotFound && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		return // a success, or the download URLs' plain 404
	}
	var env struct {
		Error struct{ Code int } `json:"error"`
	}
	var items []struct {
		Error struct{ Code int } `json:"error"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.Error.Code != 0 {
		return
	}
	if json.Unmarshal(rec.Body.Bytes(), &items) == nil && len(items) > 0 {
		return
	}
	if rec.Code == http.StatusForbidden && strings.HasPrefix(what, "GET /media/") {
		return // a download URL with a bad token: plain text, as storage answers
	}
	t.Errorf("%s: %d without an error envelope: %.200s", what, rec.Code, rec.Body.Bytes())
}

// serve runs one request through the server's handler in this goroutine,
// so that a panic in a handler fails the test instead of being swallowed
// by net/http.
func serve(srv *jmessagetest.Server, method, target, contentType, auth string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://fake"+target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// TestHostileRequests sends hostile bodies to every operation of the spec,
// and hostile paths, queries, methods and credentials: the server never
// panics or answers 5xx, answers every error in the API's envelope, and
// still works afterwards.
func TestHostileRequests(t *testing.T) {
	t.Parallel()
	w := newSpecWorld(t)
	auth := basic(w.srv)
	ops := append(loadSpec(t), adminOps...)
	for id := range bigBodyOps {
		assert.True(t, slices.ContainsFunc(ops, func(op specOp) bool { return op.ID == id }), id)
	}
	for _, op := range ops {
		req := w.request(t, op, nil)
		target := req.URL.RequestURI()
		bodies := hostileBodies
		if bigBodyOps[op.ID] {
			bodies = append(slices.Clone(bodies), bigBodies...)
		}
		for _, body := range bodies {
			rec := serve(w.srv, op.Method, target, "application/json; charset=utf-8", auth, []byte(body))
			checkAnswer(t, rec, op.ID+" "+strconv.Quote(body[:min(len(body), 40)]))
		}
		for _, ct := range []string{"", "multipart/form-data; boundary=X", "text/plain", "application/json; charset=utf-16"} {
			for _, body := range []string{"{}", "[]", `["user1"]`, "--X\r\n\r\n--X--"} {
				rec := serve(w.srv, op.Method, target, ct, auth, []byte(body))
				checkAnswer(t, rec, op.ID+" "+strconv.Quote(body)+" "+ct)
			}
		}
	}
	for _, target := range hostileTargets {
		for _, method := range []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"} {
			rec := serve(w.srv, method, target, "application/json", auth, []byte(`["user1"]`))
			checkAnswer(t, rec, method+" "+target)
		}
	}
	for _, a := range []string{"Basic", "Basic ", "Basic =", "basic " + base64.StdEncoding.EncodeToString([]byte(":")),
		"Basic " + base64.StdEncoding.EncodeToString([]byte("no-colon")), "Basic " + strings.Repeat("QUFB", 5000),
		"Basic " + base64.StdEncoding.EncodeToString([]byte(w.srv.AppKey()+":"+w.srv.MasterSecret()+"\x00")),
		"Digest " + auth} {
		rec := serve(w.srv, "GET", "/v1/users/javen", "", a, nil)
		assert.Equal(t, http.StatusUnauthorized, rec.Code, a[:min(len(a), 30)])
		checkAnswer(t, rec, "auth "+a[:min(len(a), 30)])
	}
	// Broken uploads: truncated multipart, a PNG header claiming a huge
	// image, a GIF that is not one.
	png := picture(t, "png", 4, 4)
	huge := bytes.Clone(png[:33]) // signature and IHDR: width and height at 16..23
	copy(huge[16:24], []byte{0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff})
	for name, data := range map[string]string{"truncated PNG": string(png[:20]), "huge PNG": string(huge), "GIF header": "GIF89a\x00"} {
		form := "--X\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.png\"\r\n\r\n" + data + "\r\n--X--\r\n"
		rec := serve(w.srv, "POST", "/v1/resource?type=image", "multipart/form-data; boundary=X", auth, []byte(form))
		checkAnswer(t, rec, name)
		rec = serve(w.srv, "POST", "/v1/resource?type=image", "multipart/form-data; boundary=X", auth, []byte(form[:len(form)/2]))
		checkAnswer(t, rec, name+" cut short")
	}

	rec := serve(w.srv, "GET", "/v1/users/javen", "", auth, nil)
	assert.Equal(t, http.StatusOK, rec.Code, "the server still answers: %s", rec.Body.Bytes())
}

// FuzzServer feeds the server arbitrary methods, targets, content types
// and bodies (seeded with the hostile ones above): it must never panic or
// answer 5xx.
func FuzzServer(f *testing.F) {
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	for i, op := range loadSpec(f) {
		body := string(op.Body)
		if body == "null" {
			body = ""
		}
		f.Add(uint8(max(0, slices.Index(methods, op.Method))), strings.NewReplacer("{username}", "javen", "{gid}", "10000001",
			"{room_id}", "10000001", "{msgid}", "43143728109").Replace(op.Path), "application/json", []byte(body))
		f.Add(uint8(i), op.Path, "application/json", []byte(hostileBodies[i%len(hostileBodies)]))
	}
	for i, target := range hostileTargets {
		f.Add(uint8(i), target, "multipart/form-data; boundary=X", []byte("--X\r\n\r\n--X--"))
	}
	srv, err := jmessagetest.New(jmessagetest.WithApp(goldenAppKey, "other-secret"))
	require.NoError(f, err)
	auth := basic(srv)
	for _, setup := range []struct{ method, target, body string }{
		{"POST", "/v1/users/", `[{"username":"javen","password":"password"},{"username":"user1","password":"password"}]`},
		{"POST", "/v1/admins/", `{"username":"fang","password":"password"}`},
		{"POST", "/v1/groups/", `{"owner_username":"javen","name":"g"}`},
		{"POST", "/v1/chatroom/", `{"owner_username":"javen","name":"r"}`},
		{"POST", "/v1/messages", `{"version":1,"target_type":"single","target_id":"user1","from_type":"user","from_id":"javen","msg_type":"text","msg_body":{"text":"x"}}`},
	} {
		rec := serve(srv, setup.method, setup.target, "application/json", auth, []byte(setup.body))
		require.Less(f, rec.Code, 300, "%s %s: %s", setup.method, setup.target, rec.Body.Bytes())
	}
	f.Fuzz(func(t *testing.T, method uint8, target, contentType string, body []byte) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		req := &http.Request{Method: methods[int(method)%len(methods)], URL: u, RequestURI: target, Host: "fake",
			Header: http.Header{"Authorization": {auth}, "Content-Type": {contentType}}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req.WithContext(t.Context()))
		checkAnswer(t, rec, req.Method+" "+target)
	})
}
