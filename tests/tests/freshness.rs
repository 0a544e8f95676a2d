//! The committed generated code is what the spec gives: a hand edit or a
//! spec change without regeneration fails here.

mod common;

#[test]
fn generated_code_is_fresh() {
    let output = generator::render(common::analysis(), &common::root()).expect("renders");
    let stale = generator::write::staleness(&common::root(), &output);
    assert!(
        stale.is_fresh(),
        "generated files are stale: {stale:?}\nrun `cargo run -p generator` and commit the result"
    );
}

#[test]
fn generation_is_deterministic() {
    let again = generator::analyze(&common::spec()).expect("the spec generates");
    let first = generator::render(common::analysis(), &common::root()).unwrap();
    let second = generator::render(&again, &common::root()).unwrap();
    assert_eq!(first, second);
}
