package webui

import (
	"errors"
	"regexp"
	"strings"

	"quire/app/api"
)

// Refusal is a validation error as a web form shows it next to the field at fault: the field
// (the operation's name for it, such as "title" or "val") and a message a person can act on.
type Refusal struct {
	Field, Message string
}

// RefusalOf returns the validation error (api.CodeInvalid) in err as a web form shows it, or nil
// when err is some other error, which the handler returns to the one error writer. The
// operations' messages speak to API clients ('Parameter "title" is required.'); those that name
// a parameter are replaced here, once for every web form, by the field's human text
// (fieldMessages); those already written for people ("Tags are at most 40 characters; ...")
// are kept.
func RefusalOf(err error) *Refusal {
	var e fieldError
	if !errors.As(err, &e) || e.ErrorCode() != api.CodeInvalid {
		return nil
	}
	return &Refusal{Field: e.ErrorField(), Message: humanMessage(e.ErrorField(), e.Error())}
}

// fieldError is a validation error that names the field at fault, as every domain's is.
type fieldError interface {
	error
	ErrorCode() string
	ErrorField() string
}

// fieldMessages are the web forms' words for a refused field, by the operations' field names.
var fieldMessages = map[string]string{
	"title":      "Give the page a title.",
	"val":        "Write some text.",
	"heading":    "Choose one of the sizes.",
	"styleclass": "Choose one of the styles.",
	"layout":     "Choose one of the layouts.",
	"tags":       "Write tags separated by commas.",
	"path":       "Write a folder path such as HR/Guides, or leave it empty for Main.",
	"folder":     "Write a folder path such as HR/Guides, or leave it empty for Main.",
	"message":    "Write a message.",
}

// apiSpeak finds what only an API client reads: a parameter named in quotes, or a form field
// named by its label ('Field "Email" is required.'), which the web shows beside the field.
var (
	parameterNamed = regexp.MustCompile(`\bParameter "|^[a-z_]+(\[\d+\])?(\.[a-z_]+)* (must|is) `)
	fieldNamed     = regexp.MustCompile(`^Field "(?:[^"\\]|\\.)*" `)
)

func humanMessage(field, msg string) string {
	if loc := fieldNamed.FindStringIndex(msg); loc != nil { // a form's own field
		switch rest := msg[loc[1]:]; rest {
		case "is required.":
			return "Fill in this field."
		case "must be checked.":
			return "Tick this box to send the form."
		default:
			return "This field " + rest
		}
	}
	if !parameterNamed.MatchString(msg) && (field == "" || !strings.Contains(msg, `"`+field+`"`)) {
		return msg
	}
	if m, ok := fieldMessages[field]; ok {
		return m
	}
	return "Check this field: it was not accepted."
}
