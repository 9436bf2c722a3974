use clap::Parser;

fn main() -> std::process::ExitCode {
    faultline::cli::run(faultline::cli::Cli::parse())
}
