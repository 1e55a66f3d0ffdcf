package jmessage_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestGroupDecodesLeniently(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   string
		want jmessage.Group
	}{
		"MaxMemberCount": {`{"gid":12345,"name":"g","MaxMemberCount":500}`,
			jmessage.Group{GID: 12345, Name: "g", MaxMemberCount: 500}},
		"max_member_count": {`{"gid":12345,"name":"g","max_member_count":200}`,
			jmessage.Group{GID: 12345, Name: "g", MaxMemberCount: 200}},
		"numeric string cap": {`{"gid":1,"max_member_count":"300"}`, jmessage.Group{GID: 1, MaxMemberCount: 300}},
		"gid beyond float64": {`{"gid":9007199254740993}`, jmessage.Group{GID: 9007199254740993}},
		"gid as string":      {`{"gid":"9007199254740993"}`, jmessage.Group{GID: 9007199254740993}},
		"numeric owner":      {`{"gid":1,"owner_username":123456}`, jmessage.Group{GID: 1, OwnerUsername: "123456"}},
		"string owner":       {`{"gid":1,"owner_username":"tom"}`, jmessage.Group{GID: 1, OwnerUsername: "tom"}},
		"times and members": {`{"gid":1,"members_username":["eddie"],"ctime":"2014-06-05 00:00:00","mtime":""}`,
			jmessage.Group{GID: 1, Members: []string{"eddie"}, CTime: shanghaiTime("2014-06-05 00:00:00")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var g jmessage.Group
			require.NoError(t, json.Unmarshal([]byte(tc.in), &g))
			assert.Equal(t, tc.want, g)
		})
	}
	for _, bad := range []string{`{"gid":1.5}`, `{"gid":"x"}`, `{"owner_username":{}}`, `{"MaxMemberCount":"x"}`,
		`{"name":1}`, `[]`, `{"gid":`} {
		var g jmessage.Group
		assert.Error(t, json.Unmarshal([]byte(bad), &g), bad)
	}
}

func TestGroupEncodesCanonically(t *testing.T) {
	t.Parallel()
	out, err := json.Marshal(jmessage.Group{GID: 9007199254740993, OwnerUsername: "tom", Name: "g", MaxMemberCount: 500})
	require.NoError(t, err)
	assert.JSONEq(t, `{"gid":9007199254740993,"owner_username":"tom","name":"g","MaxMemberCount":500}`, string(out))
}

func FuzzGroup(f *testing.F) {
	for _, seed := range []string{`{"gid":12345,"owner_username":123456,"MaxMemberCount":500}`,
		`{"gid":"1","max_member_count":"2"}`, `{"gid":null}`, `{}`, `[1]`, `{"gid":1e3}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var g jmessage.Group
		if err := json.Unmarshal(b, &g); err != nil {
			return
		}
		out, err := json.Marshal(g)
		require.NoError(t, err)
		var again jmessage.Group
		require.NoError(t, json.Unmarshal(out, &again), "%s", out)
		assert.Equal(t, g.GID, again.GID)
		assert.Equal(t, g.OwnerUsername, again.OwnerUsername)
		assert.Equal(t, g.MaxMemberCount, again.MaxMemberCount)
	})
}
