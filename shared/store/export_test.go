package store

// RegisterUUID is registerUUID, for the codec's own test on a bare connection.
var RegisterUUID = registerUUID
