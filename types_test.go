package jmessage_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestTimeReadsShanghaiLocalTime(t *testing.T) {
	t.Parallel()
	var v struct {
		A, B, C, D jmessage.Time
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A":"2015-01-01 08:30:00","B":"","C":null,"D":"1990-01-24"}`), &v))
	assert.True(t, v.A.Equal(time.Date(2015, 1, 1, 0, 30, 0, 0, time.UTC)), "08:30 in China is 00:30 UTC, got %s", v.A)
	assert.True(t, v.B.IsZero())
	assert.True(t, v.C.IsZero())
	assert.True(t, v.D.Equal(time.Date(1990, 1, 23, 16, 0, 0, 0, time.UTC)))

	out, err := json.Marshal(jmessage.Time{Time: time.Date(2015, 1, 1, 0, 30, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, `"2015-01-01 08:30:00"`, string(out))

	for _, bad := range []string{`"2015-13-01 00:00:00"`, `"yesterday"`, `12`, `"2015-01-01T00:00:00Z"`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &v.A), bad)
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	out, err := json.Marshal(jmessage.NewDate(1990, time.January, 24))
	require.NoError(t, err)
	assert.Equal(t, `"1990-01-24"`, string(out))
	_, err = json.Marshal(jmessage.NewDate(1990, time.February, 30))
	assert.Error(t, err)

	var d jmessage.Date
	require.NoError(t, json.Unmarshal([]byte(`"1990-01-24 00:00:00"`), &d))
	assert.Equal(t, jmessage.NewDate(1990, time.January, 24), d)
}

func TestMillis(t *testing.T) {
	t.Parallel()
	var m jmessage.Millis
	require.NoError(t, json.Unmarshal([]byte(`1547795201000`), &m))
	assert.Equal(t, int64(1547795201000), m.UnixMilli())
	out, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Equal(t, `1547795201000`, string(out))
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := jmessage.Ptr(0)
	require.NotNil(t, p)
	assert.Equal(t, 0, *p)

	v := "nickname"
	q := jmessage.Ptr(v)
	assert.Equal(t, "nickname", *q)
	*q = "changed"
	assert.Equal(t, "nickname", v, "Ptr points at a copy, not at the caller's variable")
	assert.NotSame(t, jmessage.Ptr(1), jmessage.Ptr(1), "each call returns a new pointer")
}

// TestZeroMillisEncodesAsZero: the zero Millis is written as 0, which
// UnmarshalJSON reads back as the zero Millis, not as year 1's epoch
// milliseconds.
func TestZeroMillisEncodesAsZero(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(jmessage.Millis{})
	require.NoError(t, err)
	assert.Equal(t, "0", string(b))
	back := jmessage.Millis{Time: time.Now()}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.IsZero(), "read back as %v", back.Time)
}
