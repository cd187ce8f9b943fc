/** The paper every result is from: the data for `ccbound cite`. */
export const PAPER = {
  key: "bhattamishra2024separations",
  type: "inproceedings",
  authors: ["Satwik Bhattamishra", "Michael Hahn", "Phil Blunsom", "Varun Kanade"],
  title: "Separations in the Representational Capabilities of Transformers and Recurrent Architectures",
  booktitle: "Advances in Neural Information Processing Systems",
  volume: "37",
  pages: "36002--36045",
  year: "2024",
  eprint: "2406.09347",
  archivePrefix: "arXiv",
  url: "https://arxiv.org/abs/2406.09347",
} as const;
