mod broker;
mod import;
mod pool;
mod power;
mod powerloss;
mod storage;
