// Package rules holds the API's field rules (WIRE-NOTES "Field rules") as
// plain predicates, so that the SDK's validation and the jmessagetest fake
// server enforce exactly the same rules. Each check returns "" when the
// value is valid, else the rule it breaks.
package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits, in bytes of UTF-8 unless a name says otherwise.
const (
	MinUsernameBytes      = 4
	MaxUsernameBytes      = 128
	MinPasswordBytes      = 4
	MaxPasswordBytes      = 128
	MaxNameBytes          = 64
	MaxTextBytes          = 250
	MaxExtrasBytes        = 512
	MaxMessageBodyBytes   = 4096
	MaxSensitiveWordRunes = 10
	MaxUploadBytes        = 8 << 20
	AppKeyLength          = 24
)

// Batch and page caps: the most items one call may carry or ask for.
const (
	MaxRegisterBatch      = 500  // users per register call
	MaxDeleteBatch        = 100  // users per batch delete
	MaxFriendsBatch       = 500  // friends per add/remove/note call
	MaxChatroomMembers    = 3000 // chatroom members per add/remove call
	MaxCrossApps          = 500  // per-app items of a cross-app group member, blacklist or friend note call
	MaxUserListCount      = 500  // users per list page
	MaxAdminListCount     = 500  // admins per list page
	MaxGroupListCount     = 500  // groups per list page
	MaxSensitiveListCount = 2000 // sensitive words per list page
	SensitiveWordQuota    = 100  // sensitive words an app holds (the API's default quota)
)

// AppKey: 24 ASCII letters or digits.
func AppKey(v string) string {
	if len(v) != AppKeyLength || strings.IndexFunc(v, func(r rune) bool { return !isASCIIAlnum(r) }) >= 0 {
		return "must be 24 letters or digits"
	}
	return ""
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Username: 4–128 bytes; a letter or digit, then letters, digits, _ . - @.
func Username(v string) string {
	if len(v) < MinUsernameBytes || len(v) > MaxUsernameBytes {
		return fmt.Sprintf("must be %d–%d bytes", MinUsernameBytes, MaxUsernameBytes)
	}
	for i, r := range v {
		if !isASCIIAlnum(r) && (i == 0 || !strings.ContainsRune("_.-@", r)) {
			return "must start with a letter or digit and hold only letters, digits, _ . - @"
		}
	}
	return ""
}

// Password: 4–128 bytes.
func Password(v string) string {
	if len(v) < MinPasswordBytes || len(v) > MaxPasswordBytes {
		return fmt.Sprintf("must be %d–%d bytes", MinPasswordBytes, MaxPasswordBytes)
	}
	return ""
}

// Name: at most 64 bytes and no line breaks (nickname, group and chatroom
// name, note_name).
func Name(v string) string {
	if len(v) > MaxNameBytes {
		return fmt.Sprintf("must be at most %d bytes", MaxNameBytes)
	}
	if strings.ContainsAny(v, "\r\n") {
		return `must not contain "\n" or "\r"`
	}
	return ""
}

// Text: at most 250 bytes (signature, region, address, descriptions, others).
func Text(v string) string {
	if len(v) > MaxTextBytes {
		return fmt.Sprintf("must be at most %d bytes", MaxTextBytes)
	}
	return ""
}

// Size: an encoded size of at most max bytes.
func Size(n, max int) string {
	if n > max {
		return fmt.Sprintf("must encode to at most %d bytes, not %d", max, n)
	}
	return ""
}

// Count: between min and max items.
func Count(n, min, max int) string {
	if n < min || n > max {
		return fmt.Sprintf("must hold %d–%d items, not %d", min, max, n)
	}
	return ""
}

// SensitiveWord: 1–10 characters of valid UTF-8.
func SensitiveWord(v string) string {
	if n := utf8.RuneCountInString(v); !utf8.ValidString(v) || n < 1 || n > MaxSensitiveWordRunes {
		return fmt.Sprintf("must be 1–%d characters", MaxSensitiveWordRunes)
	}
	return ""
}
