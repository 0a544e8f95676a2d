//! Reading a whole rulebase: every rule, typed, in order, with its layer,
//! its section and its SmartConsole number.
//!
//! `show-access-rulebase` (and the other `show-*-rulebase` commands) pages
//! by rules, not by entries: a section cut by a page comes again at the top
//! of the next page, empty sections appear where the server chooses to put
//! them, each page carries its own `objects-dictionary`, and a rule may
//! apply an inline layer whose rules SmartConsole numbers `3.1`, `3.2`…
//! [`RulebaseReader`] hides all of that: it yields each section once, when
//! it begins, and each rule once, after the rule that applies its layer.

use super::error::{Error, Result};
use super::paging::{is_last_page, page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::session::Session;
use super::SessionCommand;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

/// A `show-*-rulebase` command (implemented by the generated requests).
pub trait Rulebase: SessionCommand + Clone {
    /// One rule (`AccessRule`).
    type Rule: DeserializeOwned + Send + 'static;
    /// An object of `objects-dictionary` (`AnyObject`).
    type Object: DeserializeOwned + Send + 'static;
}

/// The layer a rule or section belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerRef {
    /// The layer's uid.
    pub uid: String,
    /// The layer's name, when the server said.
    pub name: Option<String>,
}

/// A section of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionRef {
    /// The section's uid.
    pub uid: String,
    /// The section's name (sections may have none).
    pub name: Option<String>,
}

/// One rule, where it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct RulebaseRule<R> {
    /// Its number as SmartConsole shows it: `7`, or `3.1` for the first
    /// rule of the inline layer that rule 3 applies.
    pub number: String,
    /// The layer that holds it (an inline layer for `3.1`).
    pub layer: LayerRef,
    /// The section it sits in; `None` above the layer's first section.
    pub section: Option<SectionRef>,
    /// Its uid.
    pub uid: String,
    /// The uid of the inline layer it applies, whose rules come next.
    pub inline_layer: Option<String>,
    /// The rule, typed.
    pub rule: R,
}

/// What a [`RulebaseReader`] yields, in SmartConsole's order.
#[derive(Clone, Debug, PartialEq)]
pub enum RulebaseEntry<R> {
    /// A section begins (also an empty one); the rules that follow, up to
    /// the next section of the same layer, sit in it.
    Section {
        /// The section.
        section: SectionRef,
        /// Its layer.
        layer: LayerRef,
    },
    /// A rule.
    Rule(RulebaseRule<R>),
}

/// The objects the rules refer to, gathered from every page's
/// `objects-dictionary`, by uid.
#[derive(Clone, Debug)]
pub struct ObjectsDictionary<O> {
    by_uid: HashMap<String, Known<O>>,
}

#[derive(Clone, Debug)]
struct Known<O> {
    name: Option<String>,
    /// `None` when the object does not fit the type (a kind this version
    /// does not know is still an object: its name stays resolvable).
    object: Option<O>,
}

impl<O> Default for ObjectsDictionary<O> {
    fn default() -> Self {
        ObjectsDictionary { by_uid: HashMap::new() }
    }
}

impl<O> ObjectsDictionary<O> {
    /// The object with this uid, typed.
    pub fn get(&self, uid: &str) -> Option<&O> {
        self.by_uid.get(uid).and_then(|k| k.object.as_ref())
    }

    /// The name of the object with this uid.
    pub fn name(&self, uid: &str) -> Option<&str> {
        self.by_uid.get(uid).and_then(|k| k.name.as_deref())
    }

    /// The name a rule's reference stands for: the dictionary's name for a
    /// uid, the object's own name when the server sent it whole
    /// (`use-object-dictionary: false`), else the reference as it is.
    pub fn name_of<T: Serialize>(&self, reference: &super::ObjectOrId<T>) -> String {
        match reference {
            super::ObjectOrId::Id(id) => self.name(id).unwrap_or(id).to_owned(),
            super::ObjectOrId::Object(object) => {
                let value = serde_json::to_value(object).unwrap_or_default();
                let field = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
                field("name").or_else(|| field("uid")).unwrap_or_default()
            }
        }
    }

    /// How many objects it holds.
    pub fn len(&self) -> usize {
        self.by_uid.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_uid.is_empty()
    }
}

/// A whole rulebase, read by [`RulebaseReader::read_all`].
#[derive(Clone, Debug)]
pub struct WholeRulebase<R, O> {
    /// Sections and rules, in order.
    pub entries: Vec<RulebaseEntry<R>>,
    /// The objects they refer to.
    pub objects: ObjectsDictionary<O>,
}

impl<R, O> WholeRulebase<R, O> {
    /// The rules alone, in order.
    pub fn rules(&self) -> impl Iterator<Item = &RulebaseRule<R>> {
        self.entries.iter().filter_map(|e| match e {
            RulebaseEntry::Rule(rule) => Some(rule),
            RulebaseEntry::Section { .. } => None,
        })
    }
}

impl Session {
    /// Reads a rulebase whole (see [`RulebaseReader`]). The request names
    /// the layer; its `limit` is the page size (default
    /// [`DEFAULT_PAGE_SIZE`], at most [`MAX_PAGE_SIZE`]), and
    /// `use-object-dictionary` is on unless the request turns it off.
    pub fn rulebase<C: Rulebase>(&self, request: C) -> RulebaseReader<'_, C> {
        let template = match serde_json::to_value(&request) {
            Ok(Value::Object(body)) => Ok(body),
            Ok(_) => Err(invalid::<C>("the request is not a JSON object".to_owned())),
            Err(e) => Err(invalid::<C>(format!("cannot encode the request: {e}"))),
        };
        let template = template.and_then(|mut body| {
            let limit = match body.get("limit") {
                None | Some(Value::Null) => None,
                Some(limit) => Some(limit.as_i64().ok_or_else(|| {
                    invalid::<C>(format!("`limit` is {limit}; servers accept 1 to {MAX_PAGE_SIZE} rules per page"))
                })?),
            };
            let limit = page_size(C::NAME, limit, "rules")?;
            body.insert("limit".to_owned(), limit.into());
            body.entry("use-object-dictionary").or_insert(Value::Bool(true));
            Ok(body)
        });
        RulebaseReader {
            session: self,
            template,
            layers: vec![LayerCursor::new(Vec::new(), String::new())],
            objects: ObjectsDictionary::default(),
            _command: std::marker::PhantomData,
        }
    }
}

/// How deep inline layers are followed: far beyond SmartConsole's own
/// limit, a guard against answers that never end.
const MAX_DEPTH: usize = 16;

fn invalid<C: Rulebase>(message: String) -> Error {
    Error::InvalidRequest { command: C::NAME.to_owned(), message }
}

/// Reads a rulebase a page at a time, as [`RulebaseReader::next`] is
/// called: every section once, every rule once and in order, inline
/// layers' rules right after the rule that applies them (a layer that
/// applies itself, directly or not, is not followed again).
pub struct RulebaseReader<'s, C: Rulebase> {
    session: &'s Session,
    /// The request's body, with the page size and dictionary set.
    template: Result<Map<String, Value>>,
    /// The layers being read: the request's, then the inline layers open
    /// inside it, innermost last.
    layers: Vec<LayerCursor>,
    objects: ObjectsDictionary<C::Object>,
    _command: std::marker::PhantomData<fn() -> C>,
}

/// Where the reading of one layer stands.
struct LayerCursor {
    /// `None` for the request's layer; the uid of an inline layer.
    inline: Option<String>,
    /// The uids of the layers that apply this one (cycle safety).
    ancestors: Vec<String>,
    /// Prepended to the server's rule numbers (`3.`).
    prefix: String,
    layer: Option<LayerRef>,
    offset: i64,
    total: Option<i64>,
    /// Rules yielded from this layer, by uid: repeats at a page boundary.
    rules: HashSet<String>,
    /// Sections begun, by uid: a section cut by a page comes again.
    sections: HashSet<String>,
    section: Option<SectionRef>,
    /// Whether the page past the last rule was asked for.
    probed: bool,
    /// Rules queued so far: their number where the server gives none.
    queued: usize,
    pending: VecDeque<Pending>,
    done: bool,
}

/// An entry of a page not yet yielded.
enum Pending {
    Section(SectionRef),
    Rule { number: String, uid: String, section: Option<SectionRef>, value: Value },
}

impl LayerCursor {
    fn new(ancestors: Vec<String>, prefix: String) -> Self {
        LayerCursor {
            inline: None,
            ancestors,
            prefix,
            layer: None,
            offset: 0,
            total: None,
            rules: HashSet::new(),
            sections: HashSet::new(),
            section: None,
            probed: false,
            queued: 0,
            pending: VecDeque::new(),
            done: false,
        }
    }
}

/// The parts of a page the reader reads.
#[derive(Deserialize)]
struct RawPage {
    uid: Option<String>,
    name: Option<String>,
    to: Option<i64>,
    total: Option<i64>,
    #[serde(default)]
    rulebase: Vec<Value>,
    #[serde(rename = "objects-dictionary", default)]
    objects_dictionary: Vec<Value>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Whether a rulebase entry is a section: it holds rules, or its type says.
fn is_section(entry: &Value) -> bool {
    entry.get("rulebase").is_some_and(Value::is_array)
        || entry.get("type").and_then(Value::as_str).is_some_and(|t| t.ends_with("-section"))
}

impl<C: Rulebase> RulebaseReader<'_, C> {
    /// The next section or rule; `None` after the last one. After an error
    /// the reader yields nothing more.
    pub async fn next(&mut self) -> Result<Option<RulebaseEntry<C::Rule>>> {
        let outcome = self.advance().await;
        if outcome.is_err() {
            self.layers.clear();
        }
        outcome
    }

    /// Reads every remaining section and rule.
    pub async fn read_all(mut self) -> Result<WholeRulebase<C::Rule, C::Object>> {
        let mut entries = Vec::new();
        while let Some(entry) = self.next().await? {
            entries.push(entry);
        }
        Ok(WholeRulebase { entries, objects: self.objects })
    }

    /// The objects of the pages read so far: every rule yielded can be
    /// resolved here.
    pub fn objects(&self) -> &ObjectsDictionary<C::Object> {
        &self.objects
    }

    async fn advance(&mut self) -> Result<Option<RulebaseEntry<C::Rule>>> {
        loop {
            let Some(cursor) = self.layers.last_mut() else { return Ok(None) };
            let layer = cursor.layer.clone().unwrap_or_else(|| LayerRef { uid: String::new(), name: None });
            match cursor.pending.pop_front() {
                Some(Pending::Section(section)) => return Ok(Some(RulebaseEntry::Section { section, layer })),
                Some(Pending::Rule { number, uid, section, value }) => {
                    return self.rule(number, uid, section, value, layer)
                }
                None if cursor.done => {
                    self.layers.pop();
                }
                None => self.next_page().await?,
            }
        }
    }

    /// Types a rule, and opens the inline layer it applies.
    fn rule(
        &mut self,
        number: String,
        uid: String,
        section: Option<SectionRef>,
        value: Value,
        layer: LayerRef,
    ) -> Result<Option<RulebaseEntry<C::Rule>>> {
        let inline_layer =
            value.get("inline-layer").and_then(|l| l.as_str().map(str::to_owned).or_else(|| text(l, "uid")));
        let rule = serde_path_to_error::deserialize(&value).map_err(|e| {
            Error::decode(C::NAME, &format!("rulebase (rule {number}, {uid})"), e, value.to_string().as_bytes())
        })?;
        if let Some(inline) = &inline_layer {
            let mut ancestors = self.layers.last().map(|c| c.ancestors.clone()).unwrap_or_default();
            ancestors.push(layer.uid.clone());
            if !ancestors.contains(inline) {
                let mut cursor = LayerCursor::new(ancestors, format!("{number}."));
                cursor.inline = Some(inline.clone());
                self.layers.push(cursor);
            }
        }
        Ok(Some(RulebaseEntry::Rule(RulebaseRule { number, layer, section, uid, inline_layer, rule })))
    }

    /// Reads the next page of the innermost layer into its pending entries.
    async fn next_page(&mut self) -> Result<()> {
        if self.template.is_err() {
            return std::mem::replace(&mut self.template, Ok(Map::new())).map(drop);
        }
        let (Ok(template), Some(cursor)) = (&self.template, self.layers.last_mut()) else { return Ok(()) };
        let mut body = template.clone();
        if let Some(inline) = &cursor.inline {
            body.remove("name");
            body.insert("uid".to_owned(), inline.clone().into());
        }
        body.insert("offset".to_owned(), cursor.offset.into());
        let limit = body.get("limit").and_then(Value::as_i64).unwrap_or(DEFAULT_PAGE_SIZE);
        let answer = self.session.call_json(C::NAME, &Value::Object(body)).await?;
        // By value: the page's rules move into the queue, uncopied.
        let page: RawPage = serde_path_to_error::deserialize(answer).map_err(|e| Error::decode(C::NAME, "", e, b""))?;

        if cursor.layer.is_none() {
            let layer = LayerRef { uid: page.uid.clone().unwrap_or_default(), name: page.name.clone() };
            // An inline layer named by its name (not its uid) is known for
            // what it is only now: one that applies itself is not read.
            if cursor.ancestors.contains(&layer.uid) || cursor.ancestors.len() >= MAX_DEPTH {
                cursor.done = true;
                return Ok(());
            }
            cursor.layer = Some(layer);
        }
        match (cursor.total, page.total) {
            (Some(before), Some(now)) if before != now => {
                return Err(Error::PagingInconsistent {
                    command: C::NAME.to_owned(),
                    offset: cursor.offset,
                    message: format!("the layer's rule count changed from {before} to {now} while it was read"),
                });
            }
            (None, now) => cursor.total = now,
            _ => {}
        }
        for object in &page.objects_dictionary {
            if let Some(uid) = text(object, "uid") {
                let known = Known { name: text(object, "name"), object: serde_json::from_value(object.clone()).ok() };
                self.objects.by_uid.insert(uid, known);
            }
        }
        let mut count = 0;
        for entry in page.rulebase {
            if is_section(&entry) {
                let section = SectionRef { uid: text(&entry, "uid").unwrap_or_default(), name: text(&entry, "name") };
                if cursor.sections.insert(section.uid.clone()) {
                    cursor.pending.push_back(Pending::Section(section.clone()));
                }
                cursor.section = Some(section);
                let rules = match entry {
                    Value::Object(mut map) => map.remove("rulebase"),
                    _ => None,
                };
                for rule in rules.into_iter().flat_map(|r| match r {
                    Value::Array(rules) => rules,
                    _ => Vec::new(),
                }) {
                    count += 1;
                    cursor.push_rule(rule);
                }
            } else {
                // A rule outside any section comes before the first one.
                cursor.section = None;
                count += 1;
                cursor.push_rule(entry);
            }
        }
        cursor.offset = page.to.unwrap_or(cursor.offset + count);
        let last = is_last_page(count, page.to, cursor.total, cursor.offset, limit);
        // A full last page leaves the layer's trailing empty sections out:
        // one more request, past the last rule, brings them.
        let probe = last && count == limit && !cursor.probed;
        cursor.probed |= probe;
        cursor.done = last && !probe;
        Ok(())
    }
}

impl LayerCursor {
    /// Queues a rule of the current section, unless a previous page had it.
    fn push_rule(&mut self, value: Value) {
        let uid = text(&value, "uid").unwrap_or_default();
        if !uid.is_empty() && !self.rules.insert(uid.clone()) {
            return;
        }
        self.queued += 1;
        let number = match value.get("rule-number").and_then(Value::as_i64) {
            Some(n) => n.to_string(),
            None => self.queued.to_string(),
        };
        let number = format!("{}{number}", self.prefix);
        self.pending.push_back(Pending::Rule { number, uid, section: self.section.clone(), value });
    }
}
