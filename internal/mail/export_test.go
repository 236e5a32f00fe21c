package mail

// ComposeNever makes the notifier queue its messages without composing
// them after the commit, as when the process stops right after it.
func (n *Notifier) ComposeNever()    { n.composeNever = true }
func (n *Notifier) Background() bool { return n.background.Load() }
