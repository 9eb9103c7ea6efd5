mod broker;
mod import;
mod pool;
mod power;
mod storage;
