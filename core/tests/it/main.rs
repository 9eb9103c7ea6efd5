mod broker;
mod storage;
