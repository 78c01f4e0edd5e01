"""Every component id of the dashboard, in one place, so layout and callbacks cannot drift."""

# header
EXPERIMENT = "experiment-picker"
EXPERIMENT_INFO = "experiment-info"
DOWNLOAD_CSV = "download-csv-button"
DOWNLOAD_CSV_FILE = "download-csv-file"
EMPTY_STATE = "empty-state"
PAGE_ERROR = "page-error"  # a request the page could not serve, instead of an HTTP 500

# tabs
TABS = "tabs"
TAB_OVERVIEW = "tab-overview"
TAB_TIMESERIES = "tab-timeseries"
TAB_BREAKDOWNS = "tab-breakdowns"
TAB_FLOWS = "tab-flows"
TAB_PETER = "tab-peter"
TAB_SWEEP = "tab-sweep"  # shown only for sweeps
TAB_SENSITIVITY = "tab-sensitivity"  # shown only for sensitivity analyses
TAB_PROFILES = "tab-profiles"  # shown only for experiments with measures by category
TAB_FIT = "tab-fit"  # shown only for experiments that drew from a fit's posterior
TAB_MONEY = "tab-money"  # the business case
TAB_WHATIF = "tab-whatif"

# views
OVERVIEW_CARDS = "overview-cards"
MEASURE = "measure-picker"
TIMESERIES_GRAPH = "timeseries-graph"
YEAR = "year-slider"
YEAR_INPUT = "year-input"  # the year typed in; it moves the slider on Enter (or leaving it)
HEATMAP_GRAPH = "heatmap-graph"
PYRAMID_GRAPH = "pyramid-graph"
RELUCTANT_GRAPH = "reluctant-graph"
FLOW_POLICY = "flow-policy"
FLOWS_GRAPH = "flows-graph"
PETER_GRAPH = "peter-graph"

# profiles of measures by category
PROFILE_MEASURE = "profile-measure-picker"
PROFILE_GRAPH = "profile-graph"

# the business case
MONEY_WATERFALL = "money-waterfall"
MONEY_NET = "money-net-value"
MONEY_STATUS = "money-status"  # what the figures are valued with, or that there is no money
MONEY_RESET = "money-reset"


def money_slider(name: str) -> str:
    """The id of one money slider (``name``: a key of data.MONEY_SLIDERS)."""
    return f"money-{name.replace('_', '-')}"


def money_value(name: str) -> str:
    """The id of the text showing one money slider's value."""
    return f"money-{name.replace('_', '-')}-value"


# sweep and sensitivity views
SWEEP_MEASURE = "sweep-measure-picker"
SWEEP_PARAMETER = "sweep-parameter-picker"
SWEEP_GRAPH = "sweep-graph"
SENSITIVITY_MEASURE = "sensitivity-measure-picker"
SENSITIVITY_GRAPH = "sensitivity-graph"
ROBUSTNESS_GRAPH = "robustness-graph"
SENSITIVITY_RULES = "sensitivity-rules"

# the fit's check (observed against simulated)
FIT_GRAPH = "fit-graph"
FIT_SUMMARY = "fit-summary"  # how many statistics lie inside their simulated band

# what-if panel
WHATIF_LEVER = "whatif-lever"  # pattern-matching: {"type": WHATIF_LEVER, "name": <lever>}
WHATIF_RUN = "whatif-run"
WHATIF_CANCEL = "whatif-cancel"
WHATIF_PROGRESS = "whatif-progress"
WHATIF_PROGRESS_TEXT = "whatif-progress-text"
WHATIF_PROGRESS_BOX = "whatif-progress-box"
WHATIF_STATUS = "whatif-status"
WHATIF_DONE = "whatif-done"
WHATIF_RESULT = "whatif-result"
WHATIF_YAML = "whatif-yaml-button"
WHATIF_YAML_FILE = "whatif-yaml-file"
WHATIF_SOURCE_INFO = "whatif-source-info"  # where the form starts, and what was left out
WHATIF_PICK = "whatif-pick"  # the experiment and the policy the levers change, in one store


def lever(name: str) -> dict[str, str]:
    """The id of one what-if lever control."""
    return {"type": WHATIF_LEVER, "name": name}


def whatif_value(name: str) -> str:
    """The id of the text showing one what-if slider's value and range."""
    return f"whatif-{name.replace('_', '-')}-value"
