package emulator

// MaxXMLBody exposes maxXMLBody to the external tests that pin it.
const MaxXMLBody = maxXMLBody
