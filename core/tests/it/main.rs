mod broker;
mod import;
mod power;
mod storage;
