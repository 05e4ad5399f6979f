package widgets

import (
	"reflect"
	"testing"
)

func TestFindMentions(t *testing.T) {
	t.Parallel()
	people := []Mentionable{
		{UserID: 1, Name: "Ada", Email: "ada.l@example.com"},
		{UserID: 2, Name: "Ada Lovelace", Email: "countess@example.com"},
		{UserID: 3, Name: "Grace Hopper", Email: "grace@example.com"},
		{UserID: 4, Name: "Émile Zola", Email: "ez@example.org"},
		{UserID: 5, Name: "Bob", Email: "bob@example.com"},
		{UserID: 6, Name: "Bob", Email: "robert@example.com"},
	}
	cases := []struct {
		text string
		want []int64
	}{
		{"no mentions here", nil},
		{"@Ada Lovelace, see this", []int64{2}},
		{"@ada lovelace and @ADA", []int64{2, 1}},
		{"@Ada Lovelaces is no one", []int64{1}},
		{"@Adam is no one", nil},
		{"mail ada.l@example.com is no mention", nil},
		{"by handle: @countess.", []int64{2}},
		{"dotted handle @ada.l!", []int64{1}},
		{"@grace @Grace Hopper @grace", []int64{3}},
		{"(@émile zola)", []int64{4}},
		{"two Bobs: @bob", []int64{5, 6}},
		{"@", nil},
		{"@@Grace Hopper", []int64{3}},
		{"line\n@Grace Hopper\n", []int64{3}},
	}
	for _, tc := range cases {
		if got := FindMentions(tc.text, people); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindMentions(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
