package jmessage

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzChatroom: chatrooms decode or error, never panic, and what decodes
// re-encodes (in the canonical spelling) to the same chatroom.
func FuzzChatroom(f *testing.F) {
	for _, seed := range []string{
		`{"id":10000001,"owner_username":"xiaoming","max_member_count":10000,"appkey":"4f7aef34fb361292c566a1cd","name":"test","description":"test","total_member_count":2,"ctime":"2017-11-27 18:38:25"}`,
		`{"id":"62","MaxMemberCount":"500","owner_username":135380113231}`, `{"id":1.5}`, `{"max_member_count":null}`, `[]`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Chatroom
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("encode %+v: %v", r, err)
		}
		var again Chatroom
		if err := json.Unmarshal(out, &again); err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("round trip of %s: %s, %v", b, out, err)
		}
	})
}

// FuzzChatroomMember: members decode or error; the mute flag is 0/1 only;
// what decodes re-encodes to the same member.
func FuzzChatroomMember(f *testing.F) {
	for _, seed := range []string{
		`{"username":"xia_12","flag":0,"room_ctime":"2017-11-16 19:13:07","mtime":"2017-02-08 17:56:04","ctime":"2017-02-08 17:56:04"}`,
		`{"username":13538013231,"flag":"1"}`, `{"flag":2}`, `{"flag":true}`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m ChatroomMember
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		var w struct {
			Flag json.RawMessage `json:"flag"`
		}
		if json.Unmarshal(b, &w) == nil {
			if on, err := decodeFlag(w.Flag); err != nil || on != m.Muted {
				t.Fatalf("%s decoded Muted=%v, flag says %v (%v)", b, m.Muted, on, err)
			}
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("encode %+v: %v", m, err)
		}
		var again ChatroomMember
		if err := json.Unmarshal(out, &again); err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip of %s: %s, %v", b, out, err)
		}
	})
}
