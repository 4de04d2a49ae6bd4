pub mod capacity;
pub mod claim;
pub mod dtype;
pub mod inputs;
pub mod line;
pub mod presets;
