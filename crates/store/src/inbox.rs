//! Notifications and the mail outbox: inbox messages, the members they go to, and the queue of mail with its attempts.

use crate::Store;
/// Notifications and the mail outbox: inbox messages, the members they go to, and the queue of mail with its attempts.
#[derive(Clone, Copy)]
pub struct Inbox<'a> {
    pub(crate) store: &'a Store,
}
