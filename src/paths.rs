//! Where sdcoach keeps its files: XDG config, data and state directories, or one folder
//! named by `SDCOACH_HOME` (handy for tests and portable installs).

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    /// Sessions and reviews.
    pub data_dir: PathBuf,
    /// Logs.
    pub state_dir: PathBuf,
}

impl Paths {
    pub fn from_env() -> Paths {
        if let Some(home) = std::env::var_os("SDCOACH_HOME").filter(|h| !h.is_empty()) {
            let home = PathBuf::from(home);
            return Paths {
                config_file: home.join("config.yaml"),
                data_dir: home.join("data"),
                state_dir: home.join("state"),
            };
        }
        match directories::ProjectDirs::from("", "", "sdcoach") {
            Some(dirs) => Paths {
                config_file: dirs.config_dir().join("config.yaml"),
                data_dir: dirs.data_dir().to_owned(),
                state_dir: dirs.state_dir().unwrap_or(dirs.data_dir()).to_owned(),
            },
            None => {
                let here = PathBuf::from(".sdcoach");
                Paths {
                    config_file: here.join("config.yaml"),
                    data_dir: here.join("data"),
                    state_dir: here.join("state"),
                }
            }
        }
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir.join("sessions")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }

    /// Where `sdcoach calibrate` keeps each grader's last measured agreement.
    pub fn calibration_dir(&self) -> PathBuf {
        self.state_dir.join("calibration")
    }
}
