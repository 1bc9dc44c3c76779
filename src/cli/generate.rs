//! `gomme generate`: completions and the man page, from the same clap definition as the parser.

use super::{Cli, Generate};
use anyhow::Context;
use clap::CommandFactory;
use std::io::Write;

impl Generate {
    pub fn write(self, out: &mut impl Write) -> anyhow::Result<()> {
        let mut cmd = Cli::command();
        match self {
            Generate::Completions { shell } => {
                // clap_complete panics when its writer fails: it writes to memory, gomme
                // writes out.
                let mut script = Vec::new();
                clap_complete::generate(shell, &mut cmd, "gomme", &mut script);
                out.write_all(&script)
                    .and_then(|()| out.flush())
                    .context("cannot write the completions")?;
            }
            Generate::Man => {
                clap_mangen::Man::new(cmd)
                    .render(out)
                    .and_then(|()| out.flush())
                    .context("cannot write the man page")?;
            }
        }
        Ok(())
    }
}
