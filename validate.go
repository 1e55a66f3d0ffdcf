package jmessage

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/jmessage-go/jmessage/internal/rules"
)

// Field limits of the API (WIRE-NOTES "Field rules"). Lengths are in bytes
// of UTF-8 unless a name says otherwise.
const (
	MaxUsernameBytes      = rules.MaxUsernameBytes      // usernames are 4–128 bytes
	MinUsernameBytes      = rules.MinUsernameBytes      // usernames are 4–128 bytes
	MaxPasswordBytes      = rules.MaxPasswordBytes      // passwords are 4–128 bytes
	MinPasswordBytes      = rules.MinPasswordBytes      // passwords are 4–128 bytes
	MaxNameBytes          = rules.MaxNameBytes          // nickname, group and chatroom name, note_name
	MaxTextBytes          = rules.MaxTextBytes          // signature, region, address, descriptions, others
	MaxExtrasBytes        = rules.MaxExtrasBytes        // extras, encoded as JSON
	MaxMessageBodyBytes   = rules.MaxMessageBodyBytes   // msg_body, encoded as JSON
	MaxSensitiveWordRunes = rules.MaxSensitiveWordRunes // a sensitive word, in characters
	MaxUploadBytes        = rules.MaxUploadBytes        // one uploaded file
	MaxRegisterBatch      = rules.MaxRegisterBatch      // users per register call
	MaxDeleteBatch        = rules.MaxDeleteBatch        // users per batch delete
	MaxFriendsBatch       = rules.MaxFriendsBatch       // friends per add/remove/note call
	MaxChatroomMembers    = rules.MaxChatroomMembers    // chatroom members per add/remove call
	MaxUserListCount      = rules.MaxUserListCount      // users per list page
	MaxGroupListCount     = rules.MaxGroupListCount     // groups per list page
	MaxSensitiveListCount = rules.MaxSensitiveListCount // sensitive words per list page
	MaxAdminListCount     = rules.MaxAdminListCount     // admins per list page
)

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sub names field name of the object field ("users[3]" and "nickname" give
// "users[3].nickname"); an empty field names a top-level argument.
func sub(field, name string) string {
	switch {
	case field == "":
		return name
	case name == "":
		return field
	}
	return field + "." + name
}

// under names the field of err, a *ValidationError for an item checked on
// its own, inside field: "nickname" under "users[3]" becomes
// "users[3].nickname", "" becomes "users[3]".
func under(field string, err error) error {
	var verr *ValidationError
	if errors.As(err, &verr) {
		verr.Field = sub(field, verr.Field)
	}
	return err
}

// with returns r carrying body, and the body's validation error after r's
// own (the path's).
func (r request) with(body any, bodyErr error) request {
	r.body, r.invalid = body, firstError(r.invalid, bodyErr)
	return r
}

// indexed names element i of a list field: "users[3]".
func indexed(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// check turns a rule's verdict into a *ValidationError for field.
func check(field, reason string) error {
	if reason == "" {
		return nil
	}
	return &ValidationError{Field: field, Reason: reason}
}

// validateAppKey: 24 letters or digits.
func validateAppKey(field, v string) error { return check(field, rules.AppKey(v)) }

// validateUsername: 4–128 bytes; a letter or digit, then letters, digits, _ . - @.
func validateUsername(field, v string) error { return check(field, rules.Username(v)) }

// validateUsernames checks a list of usernames: between min and max of
// them, each valid.
func validateUsernames(field string, names []string, minN, maxN int) error {
	if err := validateCount(field, len(names), minN, maxN); err != nil {
		return err
	}
	for i, n := range names {
		if err := validateUsername(indexed(field, i), n); err != nil {
			return err
		}
	}
	return nil
}

// validateCount checks a batch size; maxN is math.MaxInt where the API
// states no maximum.
func validateCount(field string, n, minN, maxN int) error {
	switch {
	case n >= minN && n <= maxN:
		return nil
	case maxN == math.MaxInt:
		return invalid(field, "must hold at least %d items, not %d", minN, n)
	}
	return invalid(field, "must hold %d–%d items, not %d", minN, maxN, n)
}

// validatePassword: 4–128 bytes. The value never appears in the error.
func validatePassword(field, v string) error { return check(field, rules.Password(v)) }

// validateName: at most 64 bytes, no line breaks (nickname, group or
// chatroom name, note_name).
func validateName(field, v string) error { return check(field, rules.Name(v)) }

// validateText: at most 250 bytes (signature, region, address, desc, others…).
func validateText(field, v string) error { return check(field, rules.Text(v)) }

// validateRequiredText: not empty, and at most 250 bytes (a media_id, an
// image's format: a string with no limit of its own).
func validateRequiredText(field, v string) error {
	return firstError(validateRequired(field, v), validateText(field, v))
}

// validateSensitiveWord: 1–10 characters.
func validateSensitiveWord(field, v string) error { return check(field, rules.SensitiveWord(v)) }

// validateRequired: must not be empty.
func validateRequired(field, v string) error {
	if v == "" {
		return invalid(field, "is required")
	}
	return nil
}

// validateJSONSize checks that v encodes to JSON of at most maxBytes.
func validateJSONSize(field string, v any, maxBytes int) error {
	b, err := json.Marshal(v)
	if err != nil {
		return invalid(field, "must encode as JSON: %v", err)
	}
	return check(field, rules.Size(len(b), maxBytes))
}

// validateExtras: a JSON object of at most 512 bytes encoded.
func validateExtras(field string, extras map[string]any) error {
	if extras == nil {
		return nil
	}
	return validateJSONSize(field, extras, MaxExtrasBytes)
}

// validateOneOf: v must be one of allowed.
func validateOneOf[T comparable](field string, v T, allowed ...T) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalid(field, "must be one of %v", slices.Clone(allowed)) // a copy: allowed itself stays on the stack
}

// validatePage checks start/count paging arguments.
func validatePage(start, count, maxCount int) error {
	if start < 0 {
		return invalid("start", "must not be negative")
	}
	return validateCount("count", count, 1, maxCount)
}

// validateID: ids are positive.
func validateID(field string, id int64) error {
	if id <= 0 {
		return invalid(field, "must be positive")
	}
	return nil
}

// validateIDs: every id of a list is positive ("group.add[3]").
func validateIDs(field string, ids []int64) error {
	for i, id := range ids {
		if err := validateID(indexed(field, i), id); err != nil {
			return err
		}
	}
	return nil
}

// validateEach checks a list of items: 1 to maxN of them, each passing
// check under its indexed name ("changes[3]"). check may be a method
// expression such as CrossFriendNote.validate.
func validateEach[T any](field string, items []T, maxN int, check func(item T, field string) error) error {
	if err := validateCount(field, len(items), 1, maxN); err != nil {
		return err
	}
	for i, item := range items {
		// Each item is checked under no name, so that a valid one costs no
		// field name; a failure is named after the item (under) then.
		if err := check(item, ""); err != nil {
			return under(indexed(field, i), err)
		}
	}
	return nil
}
