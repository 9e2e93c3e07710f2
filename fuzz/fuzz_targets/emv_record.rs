#![no_main]
//! Fuzz target (payproto-emv): never panics on any input; records feed the transaction store
//! without panicking; the redacted `Debug` of the record and the store never panics.
use libfuzzer_sys::fuzz_target;
use payproto_emv::apdu::Record;
use payproto_emv::store::TlvStore;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = Record::parse(data) {
        assert!(r.template.len() >= r.value.len());
        let mut store: TlvStore<16, 512> = TlvStore::new();
        let _ = store.insert_icc_objects(r.value);
        let _ = format!("{r:?} {store:?}");
    }
});
