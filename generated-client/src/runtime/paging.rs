//! Paging through `show-*` listings at the server's speed, defensively.
//!
//! Real servers page at most 500 items per request, and a listing is not a
//! snapshot: objects with equal names can swap places between two requests
//! (one repeats at a page boundary, another goes missing) and `total` can
//! change while the client reads. The stream below checks every page
//! against the previous ones, drops items it has already yielded (by
//! `uid`), restarts the listing once when `total` changes, and fails with
//! [`Error::PagingInconsistent`] when it changes again.
//!
//! Once the first page has told the `total`, the next pages are asked for
//! a few at once ([`DEFAULT_PAGES_IN_FLIGHT`]) and taken in order: against
//! a server that takes 50 ms a page, 20,000 hosts take about 0.6 s instead
//! of 2 s.

use super::client::method_for;
use super::error::{Error, Result};
use super::session::Session;
use super::{Command, Paginated};
use futures_core::Stream;
use futures_util::stream::{FuturesOrdered, StreamExt};
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// The page size when the request sets none: the server's maximum, so a
/// listing takes a tenth of the round trips the SDKs' 50 take.
pub const DEFAULT_PAGE_SIZE: i64 = 500;

/// How many pages of one listing are asked for at once, once the first has
/// told the `total`: enough to hide the server's time per page, few enough
/// not to crowd it (see [`ClientBuilder::pages_in_flight`](crate::ClientBuilder::pages_in_flight)).
pub const DEFAULT_PAGES_IN_FLIGHT: usize = 4;

/// The largest `limit` servers accept (they refuse more with
/// `generic_err_invalid_parameter` "[1-500]").
pub const MAX_PAGE_SIZE: i64 = 500;

/// The page size a request asks for: its `limit`, else the default. A
/// `limit` servers refuse is an error before any request.
pub(crate) fn page_size(command: &str, limit: Option<i64>, items: &str) -> Result<i64> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(limit) if (1..=MAX_PAGE_SIZE).contains(&limit) => Ok(limit),
        Some(limit) => Err(Error::InvalidRequest {
            command: command.to_owned(),
            message: format!("`limit` is {limit}; servers accept 1 to {MAX_PAGE_SIZE} {items} per page"),
        }),
    }
}

/// Whether a page of `count` items ends its listing: it is empty, or it
/// reaches `total` (by its `to`, else by `read`, the items read so far with
/// it), or, where the server gives no `total`, it is short of `limit`.
pub(crate) fn is_last_page(count: i64, to: Option<i64>, total: Option<i64>, read: i64, limit: i64) -> bool {
    count == 0
        || match (to, total) {
            (Some(to), Some(total)) => to >= total,
            (None, Some(total)) => read >= total,
            _ => count < limit,
        }
}

/// How often a listing is started again because `total` changed, before
/// [`Error::PagingInconsistent`].
const RESTARTS: u32 = 1;

impl Session {
    /// Every item of a paging `show-*` command, fetched a page at a time as
    /// the stream is read. The request's `limit` is the page size (default
    /// [`DEFAULT_PAGE_SIZE`], at most [`MAX_PAGE_SIZE`]; another value is an
    /// [`Error::InvalidRequest`] before any request) and its `offset` where
    /// to start. Once the first page has told the `total`, up to
    /// [`ClientBuilder::pages_in_flight`](crate::ClientBuilder::pages_in_flight)
    /// pages are asked for at once; items still come in order.
    ///
    /// Items already yielded are not yielded again (by `uid`), and a listing
    /// whose `total` changes is read again once, yielding only what it had
    /// not yielded; a second change ends the stream with
    /// [`Error::PagingInconsistent`]. The stream ends after the last page, or
    /// after the first error.
    pub fn pages<C: Paginated>(&self, request: C) -> impl Stream<Item = Result<C::Item>> + Send + '_ {
        let (offset, limit) = request.window();
        let start = offset.unwrap_or(0).max(0);
        let (limit, invalid) = match page_size(C::NAME, limit, "items") {
            Ok(limit) => (limit, None),
            Err(error) => (DEFAULT_PAGE_SIZE, Some(error)),
        };
        let state = Listing {
            session: self,
            request,
            start,
            offset: start,
            limit,
            asked: start,
            in_flight: FuturesOrdered::new(),
            most_in_flight: self.client().pages_in_flight(),
            total: None,
            restarts: 0,
            yielded: HashSet::new(),
            buffer: VecDeque::new(),
            invalid,
            done: false,
        };
        futures_util::stream::unfold(state, move |mut state| async move {
            loop {
                if let Some(error) = state.invalid.take() {
                    state.done = true;
                    return Some((Err(error), state));
                }
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                if state.done {
                    return None;
                }
                if let Err(error) = state.next_page().await {
                    state.done = true;
                    return Some((Err(error), state));
                }
            }
        })
    }
}

impl Session {
    /// Reads independent listings of one command at once (hosts whose
    /// names start with each letter, the objects of several filters), at
    /// most `concurrency` of them in flight (at least one), each paged as
    /// [`Session::pages`] pages. Answers the items of each listing, in the
    /// order of the requests; the first error ends the whole.
    ///
    /// Servers serve a session's requests side by side; a bound of 2 to 4
    /// hides most of the round trips without crowding a busy server. Each
    /// listing also asks for its own pages ahead, so up to `concurrency`
    /// times [`ClientBuilder::pages_in_flight`](crate::ClientBuilder::pages_in_flight)
    /// requests are in flight.
    pub async fn read_listings<C: Paginated>(
        &self,
        requests: impl IntoIterator<Item = C>,
        concurrency: usize,
    ) -> Result<Vec<Vec<C::Item>>> {
        use futures_util::{StreamExt, TryStreamExt};
        futures_util::stream::iter(requests)
            .map(|request| self.pages(request).try_collect::<Vec<_>>())
            .buffered(concurrency.max(1))
            .try_collect()
            .await
    }
}

/// A typed answer and the uids of its items (see [`Session::send_with_uids`]).
type Answer<C> = (<C as Command>::Response, Option<Vec<Option<String>>>);

/// A page asked for: its offset and, when it comes, its answer.
type Asked<'a, C> = Pin<Box<dyn Future<Output = (i64, Result<Answer<C>>)> + Send + 'a>>;

/// Where a listing stands.
struct Listing<'a, C: Command + Paginated> {
    session: &'a Session,
    request: C,
    /// The offset the caller asked for: where a restart begins.
    start: i64,
    /// The offset of the next item to take.
    offset: i64,
    limit: i64,
    /// The offset of the next page to ask for: ahead of `offset` while
    /// pages are in flight.
    asked: i64,
    /// Pages asked for and not yet taken, in the order of their offsets.
    in_flight: FuturesOrdered<Asked<'a, C>>,
    most_in_flight: usize,
    /// `total` as the first page of this reading said.
    total: Option<i64>,
    restarts: u32,
    /// The uids of the items yielded so far.
    yielded: HashSet<String>,
    buffer: VecDeque<C::Item>,
    invalid: Option<Error>,
    done: bool,
}

impl<C: Paginated> Listing<'_, C> {
    /// Takes the next page into the buffer, or decides the listing is over.
    async fn next_page(&mut self) -> Result<()> {
        self.ask_ahead();
        let Some((asked, answer)) = self.in_flight.next().await else {
            return Err(self.inconsistent("no page was asked for".to_owned()));
        };
        if asked != self.offset {
            // A page before it was short: the pages asked ahead no longer
            // line up, so the listing goes on from where it stands.
            self.forget_asked();
            return Ok(());
        }
        let (response, uids) = answer?;
        let page = C::into_page(response);
        let count = page.items.len() as i64;

        match (self.total, page.total) {
            (Some(before), Some(now)) if before != now => return self.restart(before, now),
            (None, Some(now)) => self.total = Some(now),
            _ => {}
        }
        if let (Some(from), true) = (page.from, count > 0) {
            if from != self.offset + 1 {
                return Err(self.inconsistent(format!("the page asked from item {} starts at {from}", self.offset + 1)));
            }
        }
        if let (Some(from), Some(to), true) = (page.from, page.to, count > 0) {
            if to - from + 1 != count {
                return Err(self.inconsistent(format!("the page says items {from} to {to} but holds {count}")));
            }
        }

        self.offset += count;
        self.done = is_last_page(count, page.to, page.total, self.offset, self.limit);
        if self.done {
            self.forget_asked();
        } else {
            // The next pages travel while the caller takes this one's items.
            self.ask_ahead();
        }
        // The uids line up with the items only when the answer held one
        // list of that length; otherwise nothing can be told apart.
        let uids = uids.filter(|u| u.len() == page.items.len());
        match uids {
            Some(uids) => {
                for (item, uid) in page.items.into_iter().zip(uids) {
                    // A uid seen already is a repeat at a page boundary.
                    let fresh = uid.is_none_or(|uid| self.yielded.insert(uid));
                    if fresh {
                        self.buffer.push_back(item);
                    }
                }
            }
            None => self.buffer.extend(page.items),
        }
        Ok(())
    }

    /// `total` changed: read the listing again from the start, once.
    fn restart(&mut self, before: i64, now: i64) -> Result<()> {
        if self.restarts >= RESTARTS {
            return Err(self.inconsistent(format!("`total` changed from {before} to {now} again after a restart")));
        }
        tracing::debug!(command = C::NAME, before, now, "total changed while paging; reading the listing again");
        self.restarts += 1;
        self.offset = self.start;
        self.total = None;
        self.forget_asked();
        Ok(())
    }

    /// Asks for the page at `offset` when none is in flight, and, once the
    /// `total` is known, for the pages after it up to the bound.
    fn ask_ahead(&mut self) {
        if self.in_flight.is_empty() {
            self.asked = self.offset;
            self.ask();
        }
        let Some(total) = self.total else { return };
        while self.in_flight.len() < self.most_in_flight && self.asked < total {
            self.ask();
        }
    }

    /// Asks for the page at `asked`.
    fn ask(&mut self) {
        let mut request = self.request.clone();
        request.set_window(self.asked, self.limit);
        let (session, offset) = (self.session, self.asked);
        self.in_flight
            .push_back(Box::pin(async move { (offset, session.send_with_uids(request, method_for::<C>()).await) }));
        self.asked += self.limit;
    }

    /// Drops the pages in flight (their answers are not needed).
    fn forget_asked(&mut self) {
        self.in_flight = FuturesOrdered::new();
        self.asked = self.offset;
    }

    fn inconsistent(&self, message: String) -> Error {
        Error::PagingInconsistent { command: C::NAME.to_owned(), offset: self.offset, message }
    }
}

impl Session {
    /// Sends a paging request; returns the typed answer and the `uid` of
    /// each item of the answer's one list, when it has exactly one.
    async fn send_with_uids<C: Command>(&self, request: C, method: &str) -> Result<Answer<C>> {
        let response = self
            .client()
            .call_raw(&request, method, Some(self.sid()), self.version())
            .await
            .map_err(|e| self.annotate(e))?;
        let typed = super::client::decode::<C::Response>(C::NAME, &response)?;
        // A second, skipping pass: far cheaper than decoding the items
        // generically, and the typed items need not expose a uid.
        let uids = serde_json::from_slice::<ListUids>(&response.body).ok().and_then(|l| l.0);
        Ok((typed, uids))
    }
}

/// The uids of the items of the one array at the top of an answer
/// (`objects`, `tasks`, …); `None` when there are several arrays or none.
/// Items that are strings are uids themselves (`details-level: uid`).
struct ListUids(Option<Vec<Option<String>>>);

impl<'de> serde::Deserialize<'de> for ListUids {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = ListUids;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<ListUids, A::Error> {
                let mut found: Option<Vec<Option<String>>> = None;
                let mut lists = 0;
                while map.next_key::<IgnoredAny>()?.is_some() {
                    if let MaybeList(Some(uids)) = map.next_value()? {
                        lists += 1;
                        found = Some(uids);
                    }
                }
                Ok(ListUids(if lists == 1 { found } else { None }))
            }
        }
        deserializer.deserialize_map(Top)
    }
}

/// A value: the uids of its items when it is an array, else nothing.
struct MaybeList(Option<Vec<Option<String>>>);

impl<'de> serde::Deserialize<'de> for MaybeList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = MaybeList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<MaybeList, A::Error> {
                let mut uids = Vec::new();
                while let Some(item) = seq.next_element::<ItemUid>()? {
                    uids.push(item.0);
                }
                Ok(MaybeList(Some(uids)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<MaybeList, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeList(None))
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<MaybeList, E> {
                Ok(MaybeList(None))
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<MaybeList, E> {
                Ok(MaybeList(None))
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<MaybeList, E> {
                Ok(MaybeList(None))
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<MaybeList, E> {
                Ok(MaybeList(None))
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<MaybeList, E> {
                Ok(MaybeList(None))
            }
            fn visit_unit<E>(self) -> std::result::Result<MaybeList, E> {
                Ok(MaybeList(None))
            }
        }
        deserializer.deserialize_any(Any)
    }
}

/// One item of a list: its `uid`, or itself when it is a string.
struct ItemUid(Option<String>);

impl<'de> serde::Deserialize<'de> for ItemUid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Item;
        impl<'de> Visitor<'de> for Item {
            type Value = ItemUid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list item")
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<ItemUid, E> {
                Ok(ItemUid(Some(v.to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<ItemUid, A::Error> {
                let mut uid = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "uid" && uid.is_none() {
                        // Any value is accepted here: only a string is a uid.
                        uid = map.next_value::<serde_json::Value>()?.as_str().map(str::to_owned);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(ItemUid(uid))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<ItemUid, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ItemUid(None))
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<ItemUid, E> {
                Ok(ItemUid(None))
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<ItemUid, E> {
                Ok(ItemUid(None))
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<ItemUid, E> {
                Ok(ItemUid(None))
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<ItemUid, E> {
                Ok(ItemUid(None))
            }
            fn visit_unit<E>(self) -> std::result::Result<ItemUid, E> {
                Ok(ItemUid(None))
            }
        }
        deserializer.deserialize_any(Item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uids(body: &str) -> Option<Vec<Option<String>>> {
        serde_json::from_str::<ListUids>(body).unwrap().0
    }

    #[test]
    fn uids_of_the_one_list() {
        let body = r#"{"from": 1, "to": 3, "total": 3, "objects": [{"name": "a", "uid": "u1", "tags": [{"uid": "t"}]}, "u2", {"name": "c"}]}"#;
        assert_eq!(uids(body), Some(vec![Some("u1".into()), Some("u2".into()), None]));
        assert_eq!(uids(r#"{"objects": [], "total": 0}"#), Some(vec![]));
        assert_eq!(uids(r#"{"a": [1], "b": [2]}"#), None);
        assert_eq!(uids(r#"{"total": 0}"#), None);
    }
}
