// Package folderpath holds the rules of a subsite's folder paths, such as "HR/Guides": what a
// valid path is (Clean), and how paths join and nest. A path names folders from the subsite's
// Main folder down, Main itself being "". It knows nothing of the database; pages keeps the
// folder tree.
package folderpath

import (
	"strings"
	"unicode/utf8"

	"quire/app/api"
)

// Limits of folder paths: how deep folders nest, and how long one folder's name is in
// characters.
const (
	MaxDepth = 12
	MaxName  = 100
)

// Clean checks a folder path such as "HR/Guides" (slashes at either end ignored) and returns it
// tidied, or a validation error on field: each name is one line of text (api.Line) of at most
// MaxName characters, none is empty, "." or ".." (a path names folders from Main; it does not
// move about), and there are at most MaxDepth.
func Clean(field, path string) (string, error) {
	path = strings.Trim(strings.TrimSpace(path), "/")
	if path == "" {
		return "", nil
	}
	parts := strings.Split(path, "/")
	if len(parts) > MaxDepth {
		return "", api.Invalid(field, "Folders nest at most %d deep.", MaxDepth)
	}
	for i, part := range parts {
		part, err := api.Line(field, part, 0)
		switch {
		case err != nil:
			return "", err
		case part == "":
			return "", api.Invalid(field, "The folder path %q has an empty folder name.", path)
		case part == "." || part == "..":
			return "", api.Invalid(field, "The folder path %q has a %q segment; a path names each folder from Main down, "+
				"such as \"HR/Guides\", and \".\" or \"..\" are not folder names.", path, part)
		case utf8.RuneCountInString(part) > MaxName:
			return "", api.Invalid(field, "Folder names are at most %d characters.", MaxName)
		}
		parts[i] = part
	}
	return strings.Join(parts, "/"), nil
}

// Join joins folder paths, either of which may be "" (Main).
func Join(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	}
	return parent + "/" + child
}

// Depth is how deep a folder path lies below Main: 0 for Main, 1 for "HR", 2 for "HR/Guides".
func Depth(path string) int {
	if path == "" {
		return 0
	}
	return strings.Count(path, "/") + 1
}

// InSubtree reports whether path is the folder at root or one below it.
func InSubtree(root, path string) bool {
	return root == "" || path == root || strings.HasPrefix(path, root+"/")
}
