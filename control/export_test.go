package control

// SetAllowUID replaces the peer uid check of c (the tests run as one user
// and cannot connect as another).
func SetAllowUID(c *Config, f func(uid uint32) bool) { c.allowUID = f }
