package search

// Format is the format of the search index this binary writes.
const Format = indexFormat
