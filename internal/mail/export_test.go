package mail

// ComposeNever makes the notifier queue its messages without composing
// them after the commit, as when the process stops right after it.
func (n *Notifier) ComposeNever()    { n.composeNever = true }
func (n *Notifier) Background() bool { return n.background.Load() }

// ReadBack makes the commits hand RunComposer nothing in memory: it reads
// their messages back from the outbox, as when it is behind.
func (n *Notifier) ReadBack() { n.fresh = nil }
