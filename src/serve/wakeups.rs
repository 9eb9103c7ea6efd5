//! Who to wake when messages may have become deliverable: a bell per consumer group that has
//! had a waiting consumer (an NDJSON stream or a long poll).
//!
//! Invariants:
//! - A produce of `n` messages to a topic rings each of its groups' `arrived` bell `n` times
//!   (at most [`RING_CAP`]), each ring waking one waiting consumer, longest waiting first: any
//!   consumer of a group may lease from any partition, so one woken consumer per message is
//!   enough, and the other idle ones stay asleep (waking them all cost each message one empty
//!   poll per idle consumer). A ring with nobody waiting is kept for the next consumer to wait.
//!   A woken consumer that goes away without polling passes its ring on ([`Notify`] forwards a
//!   dropped `notify_one`).
//! - A consumer at its prefetch bound waits on its group's `settled` bell, which every ack, nack
//!   and release of the group rings for all its waiters; so does one that found nothing while
//!   the group holds messages back until leases are settled (a partition at the in-flight
//!   bound; a topic ordered by key, where a key's next message waits for the ack of the one
//!   leased). Nacks and releases ring `arrived` once per message they make deliverable again,
//!   and a nack rings the topic's DLQ once too.
//! - Everything else that can make messages deliverable — the ticker (expired leases, delays
//!   that came due), a seek, a DLQ replay, a deleted group — rings every bell for every
//!   waiter. The ticker does so every 100 ms, so nothing waits on a missed ring for longer.
//! - Bells nobody holds are dropped when everything is rung.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use std::pin::Pin;

use tokio::sync::Notify;
use tokio::sync::futures::Notified;

/// Most consumers of one group one produce wakes one at a time; past it a ring wakes them all.
pub(crate) const RING_CAP: usize = 64;

/// What a consumer that found nothing waits for, besides its recheck timer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    /// New messages (it has room to lease).
    Arrived,
    /// An ack or nack of its group (it is at its prefetch bound).
    Settled,
    /// Either: the group holds messages back until leases are settled.
    Either,
}

impl Wait {
    /// Waits on `arrived` (enabled before the consumer looked), `settled`, or both.
    pub(crate) async fn until(self, arrived: Pin<&mut Notified<'_>>, settled: Notified<'_>) {
        match self {
            Self::Arrived => arrived.await,
            Self::Settled => settled.await,
            Self::Either => {
                tokio::select! {
                    () = arrived => {}
                    () = settled => {}
                }
            }
        }
    }
}

/// One group's two reasons to wake.
#[derive(Debug, Default)]
pub(crate) struct GroupBell {
    /// Messages of the topic may be there to lease.
    pub arrived: Notify,
    /// A lease of the group was settled: a consumer at its prefetch bound may have room.
    pub settled: Notify,
}

impl GroupBell {
    fn ring_all(&self) {
        self.arrived.notify_waiters();
        self.settled.notify_waiters();
    }
}

/// The bells of every group that has had a waiting consumer, by topic and group.
#[derive(Debug, Default)]
pub(crate) struct Wakeups {
    topics: Mutex<HashMap<String, HashMap<String, Arc<GroupBell>>>>,
}

impl Wakeups {
    fn topics(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<String, Arc<GroupBell>>>> {
        // A panic elsewhere while this was held left the map whole: every change is one insert.
        self.topics.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bell a consumer of `group` on `topic` waits on (made on first use).
    pub(crate) fn bell(&self, topic: &str, group: &str) -> Arc<GroupBell> {
        let mut topics = self.topics();
        let groups = match topics.get_mut(topic) {
            Some(groups) => groups,
            None => topics.entry(topic.to_owned()).or_default(),
        };
        match groups.get(group) {
            Some(bell) => Arc::clone(bell),
            None => Arc::clone(groups.entry(group.to_owned()).or_default()),
        }
    }

    /// `messages` new messages on `topic`: wakes one waiting consumer per message in each group.
    pub(crate) fn arrived(&self, topic: &str, messages: usize) {
        if messages == 0 {
            return;
        }
        let topics = self.topics();
        let Some(groups) = topics.get(topic) else {
            return;
        };
        for bell in groups.values() {
            if messages > RING_CAP {
                bell.arrived.notify_waiters();
            }
            for _ in 0..messages.min(RING_CAP) {
                bell.arrived.notify_one();
            }
        }
    }

    /// Leases of `group` were settled: wakes its consumers waiting for room or for messages it
    /// held back, and one waiting for messages per message `freed` made deliverable again (a
    /// nack, a release).
    pub(crate) fn settled(&self, topic: &str, group: &str, freed: usize) {
        let topics = self.topics();
        let Some(bell) = topics.get(topic).and_then(|groups| groups.get(group)) else {
            return;
        };
        bell.settled.notify_waiters();
        for _ in 0..freed.min(RING_CAP) {
            bell.arrived.notify_one();
        }
    }

    /// Wakes every waiting consumer of every group, and drops the bells nobody holds.
    pub(crate) fn everyone(&self) {
        let mut topics = self.topics();
        for groups in topics.values_mut() {
            groups.retain(|_, bell| Arc::strong_count(bell) > 1);
            for bell in groups.values() {
                bell.ring_all();
            }
        }
        topics.retain(|_, groups| !groups.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::{Pin, pin};
    use std::task::{Context, Waker};

    use tokio::sync::futures::Notified;

    use super::*;

    /// Polls once: the first poll of a `Notified` makes it a waiter.
    fn woken(n: &mut Pin<&mut Notified<'_>>) -> bool {
        n.as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_ready()
    }

    #[test]
    fn a_message_wakes_one_waiting_consumer_per_group_not_all() {
        let w = Wakeups::default();
        let a = w.bell("t", "g");
        let b = w.bell("t", "g");
        let other = w.bell("t", "h");
        let mut wa = pin!(a.arrived.notified());
        let mut wb = pin!(b.arrived.notified());
        let mut wo = pin!(other.arrived.notified());
        for n in [&mut wa, &mut wb, &mut wo] {
            assert!(!woken(n));
        }
        w.arrived("t", 1);
        assert!(woken(&mut wa), "the longest waiting consumer is woken");
        assert!(
            !woken(&mut wb),
            "one message wakes one consumer of the group"
        );
        assert!(woken(&mut wo), "every group gets every message");
        w.arrived("elsewhere", 5);
        assert!(!woken(&mut wb), "another topic's messages wake nobody here");
    }

    #[test]
    fn a_consumer_woken_that_goes_away_passes_its_wake_on() {
        let w = Wakeups::default();
        let bell = w.bell("t", "g");
        let mut first = Box::pin(bell.arrived.notified());
        let mut second = pin!(bell.arrived.notified());
        assert!(!woken(&mut first.as_mut()));
        assert!(!woken(&mut second));
        w.arrived("t", 1);
        drop(first);
        assert!(woken(&mut second));
    }

    #[test]
    fn settling_wakes_the_consumers_waiting_for_room_and_one_per_message_freed() {
        let w = Wakeups::default();
        let bell = w.bell("t", "g");
        let mut full_a = pin!(bell.settled.notified());
        let mut full_b = pin!(bell.settled.notified());
        let mut idle = pin!(bell.arrived.notified());
        assert!(!woken(&mut idle));
        w.settled("t", "g", 0);
        assert!(woken(&mut full_a) && woken(&mut full_b));
        assert!(!woken(&mut idle), "an ack frees no message");
        w.settled("t", "g", 1);
        assert!(
            woken(&mut idle),
            "a nacked message is back for one consumer"
        );
    }

    #[test]
    fn ringing_everyone_wakes_all_and_drops_bells_nobody_holds() {
        let w = Wakeups::default();
        let held = w.bell("t", "g");
        drop(w.bell("u", "g"));
        let mut a = pin!(held.arrived.notified());
        let mut b = pin!(held.arrived.notified());
        w.everyone();
        assert!(woken(&mut a) && woken(&mut b));
        let topics = w.topics();
        assert!(topics.contains_key("t") && !topics.contains_key("u"));
    }
}
