//! Findings: every problem or decision a stage wants the maintainer to see.
//!
//! A finding names the file (relative to the spec folder), the place in it
//! (a JSON pointer into the descriptor, or a line for text that is not JSON
//! yet), a rule id that tools can filter on, and a severity. Errors stop
//! generation; warnings and notes are reported and generation goes on.

use serde::Serialize;
use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Generation cannot go on; nothing is written.
    Error,
    /// A fault in the descriptors that the generator worked around.
    Warning,
    /// A decision worth knowing about (an override applied, a guess made).
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $severity:ident; )*) => {
        /// The rule a finding belongs to. `id()` is the stable name used by
        /// `lint --format json` and in the overrides file.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $(#[$doc])* $variant, )* }

        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable, kebab-case id of the rule.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity findings of this rule carry.
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }
        }
    };
}

rules! {
    /// A file could not be read, or the output could not be written.
    Io = "io", Error;
    /// A fault of the generator itself (never of the descriptors).
    Internal = "internal", Error;
    /// A file is not valid UTF-8.
    InvalidUtf8 = "invalid-utf8", Error;
    /// A descriptor file, or its json block, is empty.
    EmptyFile = "empty-file", Error;
    /// A fenced json block that is opened but never closed (a delivery cut short).
    NoFencedBlock = "no-fenced-block", Error;
    /// A file under the spec folder that holds no descriptor (notes, a binary file): skipped.
    NotADescriptor = "not-a-descriptor", Warning;
    /// A descriptor is not valid JSON.
    InvalidJson = "invalid-json", Error;
    /// A key the generator needs is missing.
    MissingKey = "missing-key", Error;
    /// A key holds the wrong kind of JSON value.
    WrongKind = "wrong-kind", Error;
    /// A type string that is neither known nor a known extraction fault.
    UnknownType = "unknown-type", Error;
    /// A command name that is empty or holds characters no URL path should.
    InvalidCommandName = "invalid-command-name", Error;
    /// Two descriptors describe the same command.
    DuplicateCommand = "duplicate-command", Error;
    /// A `[[command]]` of the overrides file that a descriptor now describes: the descriptor is used.
    ObsoleteOverride = "obsolete-override", Warning;
    /// A control character (NUL, escape, newline…) in a field name, valid value or example name: removed.
    ControlCharacter = "control-character", Warning;
    /// The baseline file of acknowledged findings cannot be read.
    InvalidBaseline = "invalid-baseline", Error;
    /// The overrides file is malformed or names something that does not exist.
    InvalidOverride = "invalid-override", Error;
    /// A type string with extraction debris (`integerDescription:`), mapped to the type it means.
    BrokenTypeString = "broken-type-string", Warning;
    /// An example sends or returns a field the descriptor does not declare.
    UndeclaredExampleField = "undeclared-example-field", Warning;
    /// An example value whose JSON type disagrees with the declared type.
    ExampleTypeMismatch = "example-type-mismatch", Warning;
    /// An example request or response that is not JSON.
    NonJsonExample = "non-json-example", Warning;
    /// A parent entry (`Object`/`array` without description) with no children.
    ParentWithoutChildren = "parent-without-children", Warning;
    /// A name repeated at one level of one object; the later entry is dropped.
    RepeatedName = "repeated-name", Warning;
    /// Valid values that become the same Rust name.
    EnumValueCollision = "enum-value-collision", Warning;
    /// Fields whose wire names become the same Rust name.
    FieldNameCollision = "field-name-collision", Note;
    /// An override added or changed a parameter.
    OverrideApplied = "override-applied", Note;
    /// An override that matched nothing in the spec.
    UnusedOverride = "unused-override", Warning;
    /// A markdown heading that names another command than its JSON.
    HeadingMismatch = "heading-mismatch", Warning;
    /// A key the generator does not know, or an optional key with a wrong kind.
    UnexpectedKey = "unexpected-key", Warning;
    /// A failure block that differs from the one shared by the API.
    FailureBlockDiffers = "failure-block-differs", Warning;
    /// Nesting evidence that contradicts itself; the generator chose one side.
    NestingConflict = "nesting-conflict", Warning;
    /// An example the overrides file records as a descriptor fault.
    KnownExampleFault = "known-example-fault", Note;
    /// A field documented as required that an example omits: made optional.
    RequiredFieldOmitted = "required-field-omitted", Warning;
    /// A field declared once that the examples also show elsewhere: copied there.
    CopiedFromExample = "copied-from-example", Note;
    /// A request parameter the object model adds or relaxes (identifiers, common parameters, alternatives).
    ModelParameter = "model-parameter", Note;
    /// A field only the examples show, added to the type that holds it.
    FieldFromExample = "field-from-example", Note;
    /// Two uses of one type declare a field with conflicting types; it holds any JSON.
    FieldTypeConflict = "field-type-conflict", Warning;
    /// An example key that no generated type declares at its place: decoded into `extra`.
    KeptInExtra = "kept-in-extra", Warning;
    /// Two types of the model would get the same Rust name.
    TypeNameCollision = "type-name-collision", Warning;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One problem or decision, located in the spec.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Finding {
    /// File, relative to the spec folder, with `/` separators.
    pub file: String,
    /// JSON pointer into the descriptor's JSON (`""` is the whole document).
    pub pointer: String,
    /// Line in the file, where the place is known as a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The rule.
    pub rule: Rule,
    /// The severity (the rule's own).
    pub severity: Severity,
    /// The command concerned, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What is wrong, or what was decided.
    pub message: String,
}

impl Finding {
    /// A finding of `rule` at `file` / `pointer`.
    pub fn new(rule: Rule, file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Finding {
            file: file.to_owned(),
            pointer: pointer.to_owned(),
            line: None,
            rule,
            severity: rule.severity(),
            command: None,
            message: message.into(),
        }
    }

    /// The same finding, located at a line of the file.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// The same finding, about `command`.
    pub fn for_command(mut self, command: &str) -> Self {
        self.command = Some(command.to_owned());
        self
    }

    /// Whether this finding stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {} [{}]", self.message, self.rule)
    }
}

/// Appends one reference token to a JSON pointer (RFC 6901 escaping).
pub fn pointer_push(base: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

/// Findings collected by a stage, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Records a finding.
    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Finding::is_error)
    }

    /// The findings, sorted and without repeats, so reports are stable.
    pub fn into_sorted(mut self) -> Vec<Finding> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

impl Extend<Finding> for Findings {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}
