mod broker;
mod import;
mod storage;
