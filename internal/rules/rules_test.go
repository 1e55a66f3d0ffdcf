package rules

import (
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(string) string
		valid []string
		bad   []string
	}{
		{"AppKey", AppKey, []string{"4f7aef34fb361292c566a1cd"}, []string{"", "4f7aef34fb361292c566a1c", "4f7aef34fb361292c566a1c_", "4f7aef34fb361292c566a1cdd"}},
		{"Username", Username, []string{"abcd", "a.b-c@d_e", "1234", strings.Repeat("a", 128)},
			[]string{"abc", "_abc", ".abc", "ab cd", "ab/cd", "用户名字", strings.Repeat("a", 129)}},
		{"Password", Password, []string{"1234", strings.Repeat("p", 128)}, []string{"", "123", strings.Repeat("p", 129)}},
		{"Name", Name, []string{"", "群组", strings.Repeat("n", 64)}, []string{strings.Repeat("n", 65), strings.Repeat("名", 22), "a\nb", "a\rb"}},
		{"Text", Text, []string{"", strings.Repeat("t", 250)}, []string{strings.Repeat("t", 251), strings.Repeat("字", 84)}},
		{"SensitiveWord", SensitiveWord, []string{"a", "敏感词敏感词敏感词敏", strings.Repeat("w", 10)}, []string{"", strings.Repeat("w", 11), "\xff"}},
	}
	for _, tt := range tests {
		for _, v := range tt.valid {
			if r := tt.check(v); r != "" {
				t.Errorf("%s(%q) = %q, want valid", tt.name, v, r)
			}
		}
		for _, v := range tt.bad {
			if r := tt.check(v); r == "" {
				t.Errorf("%s(%q) is valid, want a reason", tt.name, v)
			}
		}
	}
	if Count(3, 1, 2) == "" || Count(0, 1, 2) == "" || Count(2, 1, 2) != "" {
		t.Error("Count")
	}
	if Size(513, 512) == "" || Size(512, 512) != "" {
		t.Error("Size")
	}
}
