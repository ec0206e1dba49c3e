use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = parc::cli::Cli::parse();
    parc::telemetry::init(cli.config.log_format);
    match parc::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("parc: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
