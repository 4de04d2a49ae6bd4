//! `sdcoach estimate` as a user runs it: presets, flags, JSON, the does-not-fit error and
//! broken preset files.

use assert_cmd::Command;

fn sdcoach(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").unwrap();
    cmd.env("SDCOACH_HOME", home.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = sdcoach(&home).arg("estimate").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/presets/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn presets_by_name_print_every_line_with_its_formula() {
    let (code, out, err) = run(&["--model", "llama-3-70b", "--gpu", "h100-sxm", "--qps", "100"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Llama-3-70B-class dense (Llama 3.1 70B) on NVIDIA H100 SXM 80 GB"),
        "{out}"
    );
    for expected in [
        "weights = params 70.6B × 2 B (bf16) = 141.2 GB",
        "(1 − reserve 0.2) = 4 GPUs",
        "KV/token = 2 × layers 80 × kv_heads 8 × head_dim 128 × 2 B = 327,680 B (320 KiB)",
        "decode step floor = weights 141.2 GB ÷ (4 × 3.35 TB/s) = 10.5 ms",
        "replicas = ⌈100 req/s × (1 + headroom 0.3) ÷ ",
        "$/M output tokens at peak = ",
        "In short: TP 4 per replica",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn flags_describe_a_model_and_gpu_without_presets() {
    let (code, out, err) = run(&[
        "--params",
        "70B",
        "--layers",
        "80",
        "--kv-heads",
        "8",
        "--head-dim",
        "128",
        "--hbm-gb",
        "80",
        "--bandwidth-tbs",
        "3.35",
        "--tflops",
        "989",
        "--price",
        "3",
        "--tp",
        "4",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("weights = params 70B × 2 B (bf16) = 140 GB"), "{out}");
    assert!(out.contains("weights 140 GB ÷ (4 × 3.35 TB/s) = 10.4 ms"), "{out}");
    assert!(out.contains("give --qps, or --dau"), "no load: one replica only\n{out}");
}

#[test]
fn a_stream_speed_target_sets_the_batch() {
    let (code, out, err) = run(&["--model", "llama-3-70b", "--gpu", "h100-sxm", "--min-stream-tps", "40"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "\nDecode\n  decode batch = largest ≤ 358 (what fits) with 1 ÷ step ≥ 40 tok/s per stream = 280 sequences"
        ),
        "{out}"
    );
    assert!(out.contains("decode speed/stream = 1 ÷ 25 ms = 40 tok/s"), "{out}");
}

#[test]
fn flags_override_a_preset() {
    let (code, out, err) = run(&[
        "--model",
        "llama-3-70b",
        "--gpu",
        "h100",
        "--dtype",
        "fp8",
        "--price",
        "2.5",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("weights = params 70.6B × 1 B (fp8) = 70.6 GB"), "{out}");
    assert!(out.contains("= 2 GPUs"), "FP8 halves the TP\n{out}");
    assert!(out.contains("$2.50/GPU-hour"), "{out}");
}

#[test]
fn json_has_a_schema_values_by_key_and_every_line() {
    let (code, out, err) = run(&[
        "--model",
        "llama-3-70b",
        "--gpu",
        "h100-sxm",
        "--dau",
        "10M",
        "--requests-per-day",
        "5",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["schema"], "sdcoach.estimate/1");
    assert_eq!(json["fits"], true);
    assert_eq!(json["values"]["kv_bytes_per_token"], 327_680.0);
    assert_eq!(json["sizing"]["gpus_per_replica"], 4);
    let peak = json["values"]["peak_qps"].as_f64().unwrap();
    assert!((peak - 10e6 * 5.0 / 86_400.0 * 3.0).abs() < 1e-6, "{peak}");
    assert_eq!(json["inputs"]["traffic"]["load"]["kind"], "daily");
    let lines = json["lines"].as_array().unwrap();
    assert!(lines.iter().all(|l| l["formula"].is_string() && l["unit"].is_string()));
    let replicas = json["values"]["replicas"].as_f64().unwrap();
    assert_eq!(json["values"]["gpus"].as_f64().unwrap(), replicas * 4.0);
}

#[test]
fn seventy_b_bf16_on_one_80_gb_gpu_does_not_fit_and_the_error_gives_the_tp() {
    let (code, out, err) = run(&["--model", "llama-3-70b", "--gpu", "h100-sxm", "--tp", "1"]);
    assert_eq!(code, 2);
    assert!(out.contains("weights = params 70.6B × 2 B (bf16) = 141.2 GB"), "{out}");
    assert!(
        err.contains("does not fit on one NVIDIA H100 SXM 80 GB: weights 141.2 GB ÷ 1 = 141.2 GB per GPU"),
        "{err}"
    );
    assert!(
        err.contains("TP 2 is the least that holds the weights") && err.contains("--tp 4"),
        "{err}"
    );

    let (code, out, _) = run(&["--model", "llama-3-70b", "--gpu", "h100-sxm", "--tp", "1", "--json"]);
    assert_eq!(code, 2);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["fits"], false);
    assert_eq!(json["infeasible"]["min_gpus_with_reserve"], 4);
    assert!(json["problem"].as_str().unwrap().contains("does not fit"));
}

#[test]
fn a_broken_preset_file_is_reported_with_file_line_and_field() {
    let broken = fixture("broken-model.yaml");
    let (code, _, err) = run(&["--presets", &broken, "--list"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{broken}:7:5: models[0].active_params_b: must be positive and at most params_b (47)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{broken}:9:5: models[0].kv_heads: head_dim is missing")),
        "{err}"
    );
    assert!(err.contains("2 problems found in the estimate presets"), "{err}");

    let misspelt = fixture("misspelt-field.yaml");
    let (code, _, err) = run(&["--presets", &misspelt, "--gpu", "h100"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{misspelt}:5:5: hardware[0].bandwith_tbs: unknown field")),
        "{err}"
    );
    assert!(err.contains("fix the spelling"), "{err}");
}

#[test]
fn user_presets_come_from_a_flag_or_the_config_file() {
    let (code, out, err) = run(&[
        "--presets",
        &fixture("mi300x.yaml"),
        "--model",
        "llama-3-70b",
        "--gpu",
        "mi300",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("on AMD MI300X 192 GB") && out.contains("= 1 GPU "),
        "{out}"
    );

    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("my-presets");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(fixture("mi300x.yaml"), dir.join("mi300x.yaml")).unwrap();
    std::fs::write(
        home.path().join("config.yaml"),
        format!("preset_dirs: [{}]\n", dir.display()),
    )
    .unwrap();
    let out = sdcoach(&home).args(["estimate", "--list"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("mi300x"));
}

#[test]
fn unknown_presets_and_missing_flags_say_what_to_give() {
    let (code, _, err) = run(&["--model", "llama-4", "--gpu", "h100"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no model preset `llama-4`") && err.contains("llama-3-70b"),
        "{err}"
    );
    let (code, _, err) = run(&["--params", "70B", "--gpu", "h100"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing --layers, --kv-heads and --head-dim"), "{err}");
    let (code, _, err) = run(&["--model", "llama-3-8b", "--gpu", "l4", "--prompt-tokens", "200000"]);
    assert_eq!(code, 2);
    assert!(err.contains("exceed the context of 131,072 tokens"), "{err}");
}

#[test]
fn list_shows_every_shipped_preset() {
    let (code, out, _) = run(&["--list"]);
    assert_eq!(code, 0);
    for id in [
        "h100-sxm",
        "h200",
        "b200",
        "a100-80gb",
        "l4",
        "llama-3-8b",
        "llama-3-70b",
        "llama-3-405b",
        "mixtral-8x7b",
        "deepseek-v3",
    ] {
        assert!(out.contains(id), "{id} missing\n{out}");
    }
    assert!(out.contains("70,272 B"), "DeepSeek's compressed KV\n{out}");
}
