/** A paper results are from: the data for `ccbound cite`. Fields a source does not give are left out, not guessed. */
export interface Paper {
  readonly key: string;
  /** "misc" for a preprint, which has no booktitle. */
  readonly type: "inproceedings" | "misc";
  readonly authors: readonly string[];
  /** How a sentence names it: "Bhattamishra, Hahn, Blunsom and Kanade (2024)". */
  readonly citedAs: string;
  readonly title: string;
  readonly booktitle?: string;
  readonly volume?: string;
  readonly pages?: string;
  readonly year: string;
  readonly eprint: string;
  readonly archivePrefix: "arXiv";
  readonly url: string;
}

/** The paper ccbound executes, and every result's source unless the result names others. */
export const PAPER: Paper = {
  key: "bhattamishra2024separations",
  type: "inproceedings",
  authors: ["Satwik Bhattamishra", "Michael Hahn", "Phil Blunsom", "Varun Kanade"],
  citedAs: "Bhattamishra, Hahn, Blunsom and Kanade (2024)",
  title: "Separations in the Representational Capabilities of Transformers and Recurrent Architectures",
  booktitle: "Advances in Neural Information Processing Systems",
  volume: "37",
  pages: "36002--36045",
  year: "2024",
  eprint: "2406.09347",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2406.09347",
};

/** Sarrof, Veitsman and Hahn, NeurIPS 2024: SSMs with non-negative gates cannot recognise PARITY (abstract, arXiv). */
export const SARROF: Paper = {
  key: "sarrof2024expressive",
  type: "inproceedings",
  authors: ["Yash Sarrof", "Yana Veitsman", "Michael Hahn"],
  citedAs: "Sarrof, Veitsman and Hahn (2024)",
  title: "The Expressive Capacity of State Space Models: A Formal Language Perspective",
  booktitle: "Advances in Neural Information Processing Systems",
  volume: "37",
  year: "2024",
  eprint: "2405.17394",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2405.17394",
};

/** Arora et al. 2024, "Just read twice": repeating the context helps recurrent models recall (arXiv abstract). */
export const ARORA_JRT: Paper = {
  key: "arora2024justread",
  type: "misc",
  authors: [
    "Simran Arora",
    "Aman Timalsina",
    "Aaryan Singhal",
    "Benjamin Spector",
    "Sabri Eyuboglu",
    "Xinyi Zhao",
    "Ashish Rao",
    "Atri Rudra",
    "Christopher Ré",
  ],
  citedAs: "Arora et al. (2024)",
  title: "Just read twice: closing the recall gap for recurrent language models",
  year: "2024",
  eprint: "2407.05483",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2407.05483",
};

/** Grazzi et al., ICLR 2025: positive eigenvalues cannot solve parity; triangular transitions cannot count mod 3. */
export const GRAZZI: Paper = {
  key: "grazzi2025unlocking",
  type: "inproceedings",
  authors: [
    "Riccardo Grazzi",
    "Julien Siems",
    "Arber Zela",
    "Jörg K. H. Franke",
    "Frank Hutter",
    "Massimiliano Pontil",
  ],
  citedAs: "Grazzi, Siems, Zela, Franke, Hutter and Pontil (2025)",
  title: "Unlocking State-Tracking in Linear RNNs Through Negative Eigenvalues",
  booktitle: "International Conference on Learning Representations",
  year: "2025",
  eprint: "2411.12537",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2411.12537",
};

/** Peng, Narayanan and Papadimitriou 2024: one Transformer layer cannot compose functions (arXiv abstract, v2). */
export const PENG: Paper = {
  key: "peng2024limitations",
  type: "misc",
  authors: ["Binghui Peng", "Srini Narayanan", "Christos Papadimitriou"],
  citedAs: "Peng, Narayanan and Papadimitriou (2024)",
  title: "On Limitations of the Transformer Architecture",
  year: "2024",
  eprint: "2402.08164",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2402.08164",
};

/** Jelassi, Brandfonbrener, Kakade and Malach, ICML 2024: fixed-state models (GSSMs) cannot copy long strings. */
export const JELASSI: Paper = {
  key: "jelassi2024repeat",
  type: "inproceedings",
  authors: ["Samy Jelassi", "David Brandfonbrener", "Sham M. Kakade", "Eran Malach"],
  citedAs: "Jelassi, Brandfonbrener, Kakade and Malach (2024)",
  title: "Repeat After Me: Transformers are Better than State Space Models at Copying",
  booktitle: "International Conference on Machine Learning",
  year: "2024",
  eprint: "2402.01032",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2402.01032",
};

/** Sanford, Hsu and Telgarsky 2024: one-layer Transformers fail to solve the induction heads task (arXiv abstract). */
export const SANFORD_INDUCTION: Paper = {
  key: "sanford2024onelayer",
  type: "misc",
  authors: ["Clayton Sanford", "Daniel Hsu", "Matus Telgarsky"],
  citedAs: "Sanford, Hsu and Telgarsky (2024)",
  title: "One-layer transformers fail to solve the induction heads task",
  year: "2024",
  eprint: "2408.14332",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2408.14332",
};
