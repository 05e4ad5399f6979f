package rest

import "quire/widgets"

// ContentDisposition is the Content-Disposition of a download of f, as /files/ answers it:
// inline for images of a safe type, attachment otherwise, with the file's name (RFC 6266).
func ContentDisposition(f *widgets.StoredFile) string { return contentDisposition(f) }
